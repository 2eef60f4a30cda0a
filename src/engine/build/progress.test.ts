import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { PlainProgress, TtyProgress } from './progress.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { stream, text: () => chunks.join('') };
}

test('plain progress numbers steps, prefixes output with the step and time, and separates blocks', () => {
  const out = capture();
  let now = 0;
  const p = new PlainProgress(out.stream, () => now);
  const a = p.vertex('[build 2/3] RUN make');
  const b = p.vertex('[stage-1 2/2] COPY x /');
  now = 123;
  a.log('compiling');
  b.cached();
  now = 1250;
  a.done();
  p.warn('One or more build-args [X] were not consumed');
  assert.equal(out.text(), [
    '#1 [build 2/3] RUN make', '', '#2 [stage-1 2/2] COPY x /', '', '#1 0.123 compiling', '', '#2 CACHED', '', '#1 DONE 1.3s', '',
    'WARNING: One or more build-args [X] were not consumed', '',
  ].join('\n'));
});

test('tty progress prints one line per finished step and shows RUN output only on failure', () => {
  const out = capture();
  const p = new TtyProgress(out.stream, () => 0);
  const ok = p.vertex('[1/2] RUN ok');
  ok.log('hidden');
  ok.done();
  const bad = p.vertex('[2/2] RUN bad');
  bad.log('why it failed');
  bad.error('exit code: 1');
  const lines = out.text().split('\n').map((l) => l.replace(/\x1b\[[0-9;]*[A-Za-z]|\r/g, ''));
  assert.ok(lines.some((l) => l.endsWith('=> [1/2] RUN ok  0.0s')));
  assert.ok(!out.text().includes('hidden'));
  assert.ok(lines.some((l) => l.includes('=> ERROR [2/2] RUN bad: exit code: 1')));
  assert.ok(lines.includes(' > why it failed'));
});
