import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { MetricsSources, serve } from '../../apiserver/index.js';

/** The repository root (this file runs from dist/src/kubectl/commands/). */
const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');

interface Ran { code: number; stdout: string; stderr: string }

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((done) => {
    execFile(command, [...args], { env: { ...process.env, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const manifests = `apiVersion: v1
kind: Node
metadata: {name: n1}
status: {allocatable: {cpu: "4", memory: 8Gi}}
---
apiVersion: v1
kind: Node
metadata: {name: n2}
status: {allocatable: {cpu: "2", memory: 2Gi}}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
`;

test('skiff kubectl top prints what kubectl 1.32 prints for the same figures', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-top-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const metrics = new MetricsSources();
  const server = await serve({ dataDir: dir, bindAddress: '127.0.0.1', port: 0, metrics, logger: pino({ level: 'silent' }) });
  t.after(() => server.close());
  const env = { HOME: dir };
  const real = (...args: string[]): Promise<Ran> => run('kubectl', ['--kubeconfig', server.kubeconfigPath, ...args], env);
  const ours = (...args: string[]): Promise<Ran> => run(process.execPath, [join(repoRoot, 'bin/skiff'), 'kubectl', '--kubeconfig', server.kubeconfigPath, ...args], env);

  const created = await new Promise<number>((done) => {
    const child = execFile('kubectl', ['--kubeconfig', server.kubeconfigPath, 'create', '-f', '-'], { env: { ...process.env, ...env } }, (err) => done(err ? 1 : 0));
    child.stdin?.end(manifests);
  });
  assert.equal(created, 0);
  const uids = new Map<string, string>();
  for (const [ns, name] of [['default', 'web-1'], ['default', 'web-2'], ['other', 'db']] as const) {
    const r = await real('run', name, '-n', ns, '--image=busybox', '--labels', `app=${name.split('-')[0] ?? name}`, '-o', 'jsonpath={.metadata.uid}');
    uids.set(`${ns}/${name}`, r.stdout);
  }
  const timestamp = new Date().toISOString();
  const pod = (ns: string, name: string, containers: Array<[string, number, number]>) => ({
    namespace: ns, name, uid: uids.get(`${ns}/${name}`) ?? '', timestamp, windowSeconds: 10,
    containers: containers.map(([c, cpu, mem]) => ({ name: c, cpuNanoCores: cpu, memoryWorkingSetBytes: mem })),
  });
  metrics.register('n1', { summary: () => ({
    node: { nodeName: 'n1', timestamp, windowSeconds: 10, cpuNanoCores: 1.25e9, memoryWorkingSetBytes: 3.5 * 1024 ** 3 },
    pods: [pod('default', 'web-1', [['app', 2.5e8, 30 * 1024 ** 2], ['log', 1.5e6, 5 * 1024 ** 2]]), pod('default', 'web-2', [['app', 7e8, 12 * 1024 ** 2]]), pod('other', 'db', [['db', 3e6, 200 * 1024 ** 2]])],
  }) });

  // The reference output really has the figures (not two identical failures); each container rounds up to a millicore.
  assert.match((await real('top', 'pod')).stdout, /^web-1\s+252m\s+35Mi\s*$/m);
  assert.match((await real('top', 'node')).stdout, /^n2\s+<unknown>/m);
  for (const args of [
    ['top', 'pod'], ['top', 'pods', '--containers'], ['top', 'po', '-A'], ['top', 'pod', '-A', '--containers'], ['top', 'pod', '-l', 'app=web'],
    ['top', 'pod', 'web-2'], ['top', 'pod', '--sort-by', 'cpu'], ['top', 'pod', '--sort-by', 'memory', '-A'], ['top', 'pod', '--no-headers'],
    ['top', 'pod', '-n', 'other'], ['top', 'node'], ['top', 'nodes', 'n1'], ['top', 'node', '--no-headers'], ['top', 'pod', 'missing'],
  ]) {
    const [want, got] = await Promise.all([real(...args), ours(...args)]);
    assert.equal(got.stdout, want.stdout, `stdout of ${args.join(' ')}`);
    assert.equal(got.code, want.code, `exit code of ${args.join(' ')}: ${got.stderr}`);
    assert.equal(got.stderr.trim().split('\n').at(-1), want.stderr.trim().split('\n').at(-1), `stderr of ${args.join(' ')}`);
  }
});
