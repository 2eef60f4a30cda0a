import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spread } from './_lib.js';
import { countLines, roundOrder, Samples } from './engine-rounds.js';
import { phaseTimes } from './engine-phases.js';

test('each contender leads one round in turn, and every round has all of them once', () => {
  const names = ['skiff', 'podman', 'runc'];
  assert.deepEqual(roundOrder(names, 0), ['skiff', 'podman', 'runc']);
  assert.deepEqual(roundOrder(names, 1), ['podman', 'runc', 'skiff']);
  assert.deepEqual(roundOrder(names, 2), ['runc', 'skiff', 'podman']);
  assert.deepEqual(roundOrder(names, 3), roundOrder(names, 0));
  assert.deepEqual(roundOrder([], 5), []);
});

test('spread gives median, p90 and range whatever the order of the sample', () => {
  const s = spread([50, 10, 40, 20, 30, 100, 60, 70, 80, 90]);
  assert.deepEqual(s, { n: 10, median: 50, p90: 90, min: 10, max: 100 });
  assert.ok(Number.isNaN(spread([]).median));
});

test('failed runs are counted apart and ratios pair runs of the same round', () => {
  const s = new Samples();
  // The machine slows down tenfold in round 2; skiff stays half of podman in every round.
  for (const [round, skiff, podman] of [[0, 10, 20], [1, 11, 22], [2, 100, 200], [3, NaN, 24]] as const) {
    s.add('skiff', round, skiff);
    s.add('podman', round, podman);
  }
  assert.deepEqual(s.values('skiff'), [10, 11, 100]);
  assert.equal(s.failures('skiff'), 1);
  assert.equal(s.failures('podman'), 0);
  assert.equal(s.pairedRatio('skiff', 'podman'), 0.5, 'a round where one side failed is left out of the pairs');
  assert.equal(s.ratio('skiff', 'podman'), 11 / 22);
});

test('cache hits are counted from whole build-log lines', () => {
  const buildkit = '#5 [build 2/5] RUN mkdir -p /out\n#5 CACHED\n\n#7 [build 3/5] COPY app.txt /out/\n#7 CACHED\n#8 DONE 0.1s\n';
  assert.equal(countLines(buildkit, /^#\d+ CACHED$/), 2);
  const buildah = 'STEP 2/5: RUN mkdir -p /out\n--> Using cache 7c0122a2925\n--> 7c0122a2925\nSTEP 3/5: COPY app.txt /out/\n--> 1f2e3d\n';
  assert.equal(countLines(buildah, /^--> Using cache /), 1);
});

test('phase times add up to the whole run, less the modules only the measurement loads', () => {
  const t = phaseTimes(1000, 1500, { scriptStart: 1040, commandLoaded: 1060, runtimeLoaded: 1070, created: 1080, ran: 1450, removed: 1490, exitCode: 0, bundle: true });
  assert.deepEqual(t, { bundle: true, nodeStartupMs: 40, moduleLoadingMs: 20, createMs: 10, runMs: 370, removeMs: 40, exitMs: 10, totalMs: 490 });
  assert.equal(t.nodeStartupMs + t.moduleLoadingMs + t.createMs + t.runMs + t.removeMs + t.exitMs, t.totalMs);
});
