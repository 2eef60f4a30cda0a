/**
 * Runs the real kubectl and `skiff kubectl` with the same arguments against one test server,
 * for tests that compare their output. Only AGE-like cells are normalised (the two runs
 * happen moments apart).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { kubectlFor, repoRoot, startServer } from './helpers/server.js';
import type { Kubectl, KubectlResult, TestServer } from './helpers/server.js';
import assert from 'node:assert/strict';

export interface Running { output(): string; kill(): Promise<void> }

export interface Pair {
  /** Starts long-running commands (e.g. `get -w`); kill() ends them by PID. */
  startReal(args: readonly string[]): Running;
  startOurs(args: readonly string[]): Running;
  real(args: readonly string[], stdin?: string): Promise<KubectlResult>;
  ours(args: readonly string[], stdin?: string): Promise<KubectlResult>;
  cleanup(): void;
}

export function kubectlPair(kubeconfigPath: string): Pair {
  const real: Kubectl = kubectlFor(kubeconfigPath);
  const env = { ...process.env, HOME: real.home, KUBECONFIG: kubeconfigPath };
  return {
    startReal: (args) => real.start(args),
    startOurs: (args) => {
      const child = spawn(process.execPath, [join(repoRoot, 'bin/skiff'), 'kubectl', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
      const done = new Promise<void>((r) => child.once('close', () => r()));
      return {
        output: () => out,
        async kill() {
          if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
          await done;
        },
      };
    },
    real: (args, stdin) => real.run(args, stdin === undefined ? {} : { stdin }),
    ours: (args, stdin) => new Promise((resolveRun, reject) => {
      const child = spawn(process.execPath, [join(repoRoot, 'bin/skiff'), 'kubectl', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'], cwd: process.cwd() });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      const timer = setTimeout(() => { if (child.pid) process.kill(child.pid, 'SIGKILL'); }, 30000);
      child.on('error', reject);
      child.on('close', (code) => { clearTimeout(timer); resolveRun({ code: code ?? -1, stdout, stderr }); });
      child.stdin.end(stdin ?? '');
    }),
    cleanup: () => real.cleanup(),
  };
}

const agePattern = /(?<=\s|^)((\d+[smhdy])+|<invalid>)(?=\s|$|\))/gm;

/** Replaces durations such as `5s`, `3m2s`, `10h`, `<invalid>` in table output. */
export function normaliseAges(text: string): string {
  return text.replace(agePattern, 'AGE');
}

/**
 * Asserts two outputs match up to ages. When the ages themselves are the same the layout is
 * compared exactly; when an age changed width between the runs (59s -> 1m), the columns
 * were padded differently, so runs of spaces are compared as one.
 */
export function assertSameOutput(oursRaw: string, realRaw: string, message: string): void {
  // Event repeat counts move on while the scheduler retries between the two runs: one run
  // may see `5s` and the other `3s (x2 over 5s)` for the same event, so the repeat suffix
  // is dropped from both.
  const counts = (t: string): string => t.replace(/ \(x\d+ over [^)]*\)/g, '');
  const ours = counts(oursRaw), real = counts(realRaw);
  const agesOf = (t: string): string => (t.match(agePattern) ?? []).join(',');
  // Dropping a suffix changes tabwriter padding, so such outputs are compared loosely too.
  const hadRepeats = /\(x\d+ over /.test(oursRaw) || /\(x\d+ over /.test(realRaw);
  if (!hadRepeats && agesOf(ours) === agesOf(real)) {
    assert.equal(ours, real, message);
    return;
  }
  const loose = (t: string): string => normaliseAges(t).replace(/ {2,}/g, '  ');
  assert.equal(loose(ours), loose(real), message);
}

export const podYaml = (image: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  containers:
  - name: nginx
    image: ${image}
    ports:
    - containerPort: 80
`;

export const deployYaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;

export async function same(k: Pair, args: string[], message?: string): Promise<void> {
  // Read-only commands: run both at once.
  const [real, ours] = await Promise.all([k.real(args), k.ours(args)]);
  const label = message ?? args.join(' ');
  assertSameOutput(ours.stdout, real.stdout, `stdout of: ${label}`);
  assert.equal(ours.stderr, real.stderr, `stderr of: ${label}`);
  assert.equal(ours.code, real.code, `exit code of: ${label}`);
}

/** `same` for many read-only commands, a few at a time (they do not change anything). */
export async function sameAll(k: Pair, list: string[][], concurrency = 4): Promise<void> {
  const queue = [...list];
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let args = queue.shift(); args; args = queue.shift()) await same(k, args);
  }));
}

/** Runs a state-changing sequence with the real kubectl, resets, then with ours; compares. */
export async function sameSequence(k: Pair, reset: () => Promise<void>, steps: Array<{ args: string[]; before?: () => void; stdin?: string }>): Promise<void> {
  const outputs: Array<Array<{ stdout: string; stderr: string; code: number }>> = [];
  for (const run of [k.real, k.ours]) {
    await reset();
    const results: Array<{ stdout: string; stderr: string; code: number }> = [];
    for (const s of steps) {
      s.before?.();
      results.push(await run(s.args, s.stdin));
    }
    outputs.push(results);
  }
  const [real = [], ours = []] = outputs;
  steps.forEach((s, i) => {
    assertSameOutput(ours[i]?.stdout ?? '', real[i]?.stdout ?? '', `stdout of step ${i}: ${s.args.join(' ')}`);
    assert.equal(ours[i]?.stderr, real[i]?.stderr, `stderr of step ${i}: ${s.args.join(' ')}`);
    assert.equal(ours[i]?.code, real[i]?.code, `exit code of step ${i}: ${s.args.join(' ')}`);
  });
}


export interface Workspace {
  readonly server: TestServer;
  readonly k: Pair;
  readonly dir: string;
  /** pod.yaml (nginx:1.27) and deploy.yaml in `dir`. */
  readonly pod: string;
  readonly deploy: string;
  /** Deletes pod nginx (with our kubectl) and rewrites pod.yaml. */
  resetPod(): Promise<void>;
  /** resetPod, then creates it again. */
  freshPod(): Promise<void>;
}

/** A server, both kubectls and a folder of manifests, all removed when the test ends. */
export async function kubectlWorkspace(t: TestContext): Promise<Workspace> {
  const server = await startServer();
  t.after(() => server.stop());
  const k = kubectlPair(server.kubeconfigPath);
  t.after(() => k.cleanup());
  const dir = mkdtempSync(join(tmpdir(), 'skiff-kubectl-ours-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pod = join(dir, 'pod.yaml');
  const deploy = join(dir, 'deploy.yaml');
  writeFileSync(pod, podYaml('nginx:1.27'));
  writeFileSync(deploy, deployYaml);
  const resetPod = async (): Promise<void> => {
    await k.ours(['delete', 'pod', 'nginx', '--ignore-not-found']);
    writeFileSync(pod, podYaml('nginx:1.27'));
  };
  const freshPod = async (): Promise<void> => {
    await resetPod();
    const r = await k.ours(['create', '-f', pod]);
    assert.equal(r.stdout, 'pod/nginx created\n', r.stderr);
  };
  return { server, k, dir, pod, deploy, resetPod, freshPod };
}
