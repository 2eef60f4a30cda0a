import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDockerfile, parseDockerfile, processWord, processWords, DockerfileError, parseGoDuration, type Instruction } from './index.js';

const env = (vars: Record<string, string>) => (name: string): string | undefined => vars[name];
const bs = { escape: '\\' };

describe('parser', () => {
  test('continuations, comments inside them, and source lines', () => {
    const p = parseDockerfile('FROM busybox\n# comment\nRUN echo a \\\n  # inner comment\n  && echo b\nCMD ["sh"]\n');
    assert.equal(p.nodes.length, 3);
    const run = p.nodes[1]!;
    assert.equal(run.keyword, 'run');
    assert.equal(run.rest, 'echo a   && echo b');
    assert.equal(run.startLine, 3);
    assert.equal(run.endLine, 5);
    assert.deepEqual(p.nodes[2]!.json, ['sh']);
  });

  test('escape directive switches the continuation character', () => {
    const p = parseDockerfile('# escape=`\nFROM busybox\nRUN echo a `\n  b\nCOPY c:\\dir\\ /x\n');
    assert.equal(p.directives.escape, '`');
    assert.equal(p.nodes[1]!.rest, 'echo a   b');
    assert.equal(p.nodes[2]!.rest, 'c:\\dir\\ /x');
  });

  test('syntax directive is read only at the top', () => {
    assert.equal(parseDockerfile('# syntax=docker/dockerfile:1\nFROM a\n').directives.syntax, 'docker/dockerfile:1');
    assert.equal(parseDockerfile('FROM a\n# syntax=docker/dockerfile:1\n').directives.syntax, undefined);
  });

  test('heredocs: plain, chomped, quoted, several on one line', () => {
    const p = parseDockerfile([
      'FROM busybox',
      'RUN <<EOF',
      'echo one',
      'echo two',
      'EOF',
      'RUN <<-EOT sh',
      '\techo tabbed',
      'EOT',
      "COPY <<'A' <<B /dest/",
      'first $X',
      'A',
      'second $X',
      'B',
      'CMD ["true"]',
    ].join('\n'));
    assert.equal(p.nodes.length, 5);
    assert.deepEqual(p.nodes[1]!.heredocs, [{ name: 'EOF', content: 'echo one\necho two\n', expand: true, chomp: false }]);
    assert.equal(p.nodes[2]!.heredocs[0]!.content, 'echo tabbed\n');
    assert.deepEqual(p.nodes[3]!.heredocs.map((h) => [h.name, h.content, h.expand]), [['A', 'first $X\n', false], ['B', 'second $X\n', true]]);
    assert.equal(p.nodes[4]!.startLine, 14);
  });

  test('an unterminated heredoc is an error naming the line', () => {
    assert.throws(() => parseDockerfile('FROM a\nRUN <<EOF\necho\n'), (e: unknown) => e instanceof DockerfileError && e.line === 2 && /unterminated heredoc/.test(e.message));
  });
});

describe('instructions', () => {
  test('stages, names, global args, and flags', () => {
    const prog = loadDockerfile([
      'ARG BASE=busybox',
      'FROM ${BASE} AS Build',
      'RUN --mount=type=cache,target=/c echo hi > /out',
      'FROM scratch',
      'COPY --from=build --chown=1:1 --chmod=0644 /out /a b/',
      'ENV A=1 B="two words" C=three\\ words',
      'ENV LEGACY value with spaces',
      'LABEL version="1.0" maintainer=me',
      'HEALTHCHECK --interval=5s --retries=3 CMD wget -q localhost || exit 1',
      'ARG X Y=2',
    ].join('\n'));
    assert.deepEqual(prog.globalArgs, [{ name: 'BASE', defaultValue: 'busybox' }]);
    assert.equal(prog.stages.length, 2);
    assert.equal(prog.stages[0]!.name, 'build');
    assert.equal(prog.stages[0]!.from.image, '${BASE}');
    const run = prog.stages[0]!.instructions[0] as Extract<Instruction, { kind: 'run' }>;
    assert.deepEqual(run.mounts, ['type=cache,target=/c']);
    assert.equal(run.shell, 'echo hi > /out');
    const [copy, env1, env2, label, hc, arg] = prog.stages[1]!.instructions;
    assert.ok(copy?.kind === 'copy');
    assert.equal(copy.from, 'build');
    assert.equal(copy.chown, '1:1');
    assert.equal(copy.chmod, '0644');
    assert.deepEqual(copy.sources, ['/out', '/a']);
    assert.equal(copy.dest, 'b/');
    assert.ok(env1?.kind === 'env');
    assert.deepEqual(env1.pairs, [['A', '1'], ['B', '"two words"'], ['C', 'three\\ words']]);
    assert.ok(env2?.kind === 'env');
    assert.deepEqual(env2.pairs, [['LEGACY', 'value with spaces']]);
    assert.ok(label?.kind === 'label');
    assert.equal(label.pairs.length, 2);
    assert.ok(hc?.kind === 'healthcheck' && !hc.none);
    assert.deepEqual(hc.test, ['CMD-SHELL', 'wget -q localhost || exit 1']);
    assert.equal(hc.interval, 5e9);
    assert.equal(hc.retries, 3);
    assert.ok(arg?.kind === 'arg');
    assert.deepEqual(arg.args, [{ name: 'X' }, { name: 'Y', defaultValue: '2' }]);
  });

  test('errors carry the line: unknown instruction, missing FROM, bad flags, SHELL form', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['FROM a\nFROBNICATE x\n', 2, /unknown instruction: FROBNICATE/],
      ['RUN echo\n', 1, /no FROM before RUN/],
      ['FROM a\nCOPY --frm=x a b\n', 2, /unknown flag: --frm/],
      ['FROM a\nSHELL /bin/bash -c\n', 2, /JSON form/],
      ['FROM a\nCOPY onlyone\n', 2, /at least two arguments/],
      ['FROM a AS x\nFROM b AS x\n', 2, /duplicate stage name/],
      ['FROM a\nHEALTHCHECK --interval=soon CMD true\n', 2, /invalid --interval duration/],
      ['FROM a\nONBUILD ONBUILD RUN x\n', 2, /chaining ONBUILD/],
      ['', 1, /no FROM/],
    ];
    for (const [text, line, re] of cases) {
      assert.throws(() => loadDockerfile(text), (e: unknown) => e instanceof DockerfileError && e.line === line && re.test(e.message), text);
    }
  });

  test('COPY heredoc has the heredoc as a source', () => {
    const prog = loadDockerfile('FROM a\nCOPY <<EOF /etc/motd\nhello\nEOF\n');
    const copy = prog.stages[0]!.instructions[0];
    assert.ok(copy?.kind === 'copy');
    assert.deepEqual(copy.sources, []);
    assert.equal(copy.dest, '/etc/motd');
    assert.equal(copy.heredocs[0]!.content, 'hello\n');
  });

  test('Go durations', () => {
    assert.equal(parseGoDuration('1m30s'), 90e9);
    assert.equal(parseGoDuration('500ms'), 500e6);
    assert.equal(parseGoDuration('10'), undefined);
  });
});

describe('word processing and substitution', () => {
  const vars = env({ NAME: 'web', EMPTY: '', PATH: '/usr/bin' });
  test('forms of substitution', () => {
    assert.equal(processWord('$NAME-${NAME}', vars, bs), 'web-web');
    assert.equal(processWord('${MISSING:-def}', vars, bs), 'def');
    assert.equal(processWord('${EMPTY:-def}', vars, bs), 'def');
    assert.equal(processWord('${EMPTY-def}', vars, bs), '');
    assert.equal(processWord('${NAME:+alt}', vars, bs), 'alt');
    assert.equal(processWord('${MISSING:+alt}', vars, bs), '');
    assert.equal(processWord('${MISSING:-${NAME}}', vars, bs), 'web');
    assert.throws(() => processWord('${MISSING:?must be set}', vars, bs), /MISSING: must be set/);
  });
  test('quotes and escapes', () => {
    assert.equal(processWord("'$NAME'", vars, bs), '$NAME');
    assert.equal(processWord('"$NAME x"', vars, bs), 'web x');
    assert.equal(processWord('\\$NAME', vars, bs), '$NAME');
    assert.equal(processWord('"a\\"b"', vars, bs), 'a"b');
    assert.deepEqual(processWords('a "b c" d\\ e ${NAME}', vars, bs), ['a', 'b c', 'd e', 'web']);
    assert.equal(processWord('$PATH:/bin', vars, bs), '/usr/bin:/bin');
  });
});
