import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDockerfile, processWord, processWords, type Instruction } from './dockerfile/index.js';
import { applyMetadata, envLookup, parseExposedPorts, type MetadataState } from './metadata.js';

function apply(dockerfile: string, initial: MetadataState['config'] = {}): { state: MetadataState; history: string[] } {
  const program = loadDockerfile(`FROM scratch\n${dockerfile}`);
  const state: MetadataState = { config: structuredClone(initial), cmdSet: false };
  const lookup = (n: string): string | undefined => envLookup(state.config.Env, n);
  const expand = { word: (t: string) => processWord(t, lookup, { escape: '\\' }), words: (t: string) => processWords(t, lookup, { escape: '\\' }) };
  const history = program.stages[0]!.instructions.map((ins: Instruction) => applyMetadata(ins, state, expand));
  return { state, history };
}

test('ENV sets, replaces and expands earlier values', () => {
  const { state, history } = apply('ENV A=1 B="two words"\nENV A=${A}0 C=$B\nENV LEGACY some value', { Env: ['PATH=/bin'] });
  assert.deepEqual(state.config.Env, ['PATH=/bin', 'A=10', 'B=two words', 'C=two words', 'LEGACY=some value']);
  assert.equal(history[0], 'ENV A=1 B=two words');
  const same = apply('ENV abc=hello\nENV abc=bye def=$abc');
  assert.deepEqual(same.state.config.Env, ['abc=bye', 'def=hello'], 'one ENV sees the values from before it');
});

test('WORKDIR is relative to the previous one; USER, LABEL, STOPSIGNAL, VOLUME, SHELL', () => {
  const { state } = apply('ENV D=srv\nWORKDIR /app\nWORKDIR $D\nUSER nobody:nogroup\nLABEL a=1 "b c"=d\nSTOPSIGNAL SIGINT\nVOLUME ["/data", "/logs"]\nVOLUME /x\nSHELL ["/bin/bash", "-c"]');
  assert.equal(state.config.WorkingDir, '/app/srv');
  assert.equal(state.config.User, 'nobody:nogroup');
  assert.deepEqual(state.config.Labels, { a: '1', 'b c': 'd' });
  assert.equal(state.config.StopSignal, 'SIGINT');
  assert.deepEqual(Object.keys(state.config.Volumes ?? {}), ['/data', '/logs', '/x']);
  assert.deepEqual(state.config.Shell, ['/bin/bash', '-c']);
});

test('EXPOSE parses ports, protocols and ranges', () => {
  const { state } = apply('EXPOSE 80 53/udp 8000-8002/tcp');
  assert.deepEqual(Object.keys(state.config.ExposedPorts ?? {}), ['80/tcp', '53/udp', '8000/tcp', '8001/tcp', '8002/tcp']);
  assert.throws(() => parseExposedPorts(['http']), /invalid containerPort/);
  assert.throws(() => apply('STOPSIGNAL SIGNOPE'), /invalid signal/);
});

test('CMD/ENTRYPOINT: shell form wraps in SHELL; ENTRYPOINT resets an inherited CMD only', () => {
  const inherited = apply('ENTRYPOINT ["/entry"]', { Cmd: ['sh'] });
  assert.equal(inherited.state.config.Cmd, null);
  assert.deepEqual(inherited.state.config.Entrypoint, ['/entry']);
  const same = apply('SHELL ["/bin/ash", "-eo"]\nCMD echo $HOME\nENTRYPOINT run it', { Cmd: ['sh'] });
  assert.deepEqual(same.state.config.Cmd, ['/bin/ash', '-eo', 'echo $HOME'], 'CMD keeps $HOME for the shell');
  assert.deepEqual(same.state.config.Entrypoint, ['/bin/ash', '-eo', 'run it']);
  assert.equal(same.history[1], 'CMD ["/bin/ash" "-eo" "echo $HOME"]');
});

test('HEALTHCHECK, ONBUILD, MAINTAINER', () => {
  const { state } = apply('HEALTHCHECK --interval=5s --retries=2 CMD wget -q localhost\nONBUILD run echo child\nMAINTAINER someone');
  assert.deepEqual(state.config.Healthcheck, { Test: ['CMD-SHELL', 'wget -q localhost'], Interval: 5e9, Retries: 2 });
  assert.deepEqual(state.config.OnBuild, ['RUN echo child']);
  assert.equal(state.config.Labels?.maintainer, 'someone');
  assert.deepEqual(apply('HEALTHCHECK NONE').state.config.Healthcheck, { Test: ['NONE'] });
});
