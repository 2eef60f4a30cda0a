/**
 * For tests of the registry's wire documents with the real kubectl: serves a plain-HTTP
 * handler on a free loopback port, writes a kubeconfig with no credentials for it, and
 * returns a runner for kubectl with a fresh HOME and cache. All of it is removed when the
 * test ends.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type KubectlRunner = (...args: string[]) => Promise<string>;

/** `dir` is the runner's scratch folder (its HOME), free for the test's own files. */
export async function kubectlAgainst(t: { after(fn: () => unknown): void }, server: Server, tmpPrefix: string): Promise<{ kubectl: KubectlRunner; dir: string }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  const dir = await mkdtemp(join(tmpdir(), tmpPrefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const { port } = server.address() as AddressInfo;
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, [
    'apiVersion: v1', 'kind: Config',
    `clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]`,
    'users: [{name: u, user: {}}]',
    'contexts: [{name: x, context: {cluster: c, user: u, namespace: default}}]',
    'current-context: x', '',
  ].join('\n'));
  const kubectl: KubectlRunner = async (...args) => {
    const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args], { env: { ...process.env, HOME: dir }, timeout: 30_000 });
    return stdout;
  };
  return { kubectl, dir };
}
