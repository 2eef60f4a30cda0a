/**
 * dockerd (Debian's docker.io, 20.10) started for the benchmark only, if it is installed:
 * its own data root, exec root, pid file, config file and unix socket in the temp
 * directory, no iptables, no bridge, and in a network namespace of its own (`unshare --net`)
 * so that nothing it might try to pull can leave the machine. Stopped by its PID.
 *
 * The docker CLI that talks to it must be the one of the same package (/usr/bin/docker):
 * it still has BuildKit built in (DOCKER_BUILDKIT=1); newer CLIs want the buildx plugin.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { sleep, timedSpawn } from './_lib.js';
import type { BenchWorkspace } from './engine-workspace.js';

export interface Dockerd {
  readonly docker: string;
  readonly env: NodeJS.ProcessEnv;
  readonly version: string;
}

const dockerdPath = '/usr/sbin/dockerd';
const dockerCli = '/usr/bin/docker';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err: unknown) {
    // ESRCH: gone. EPERM would mean it exists but is not ours to signal.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  return !alive(pid);
}

/** Starts dockerd, or returns why BuildKit is left out of this run. */
export async function startDockerd(ws: BenchWorkspace): Promise<Dockerd | { skipped: string }> {
  if (!existsSync(dockerdPath) || !existsSync(dockerCli)) return { skipped: `dockerd is not installed (${dockerdPath}, ${dockerCli}: Debian docker.io)` };
  if (spawnSync('unshare', ['--help']).status !== 0) return { skipped: 'unshare is missing (util-linux)' };
  const dir = ws.path('dockerd');
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/daemon.json`, '{}\n');
  const socket = `${dir}/docker.sock`;
  const execRoot = `${dir}/exec`;
  const logFd = openSync(`${dir}/dockerd.log`, 'a');
  const child = spawn('unshare', ['--net', dockerdPath,
    '--config-file', `${dir}/daemon.json`, '--data-root', `${dir}/data`, '--exec-root', execRoot,
    '--pidfile', `${dir}/docker.pid`, '-H', `unix://${socket}`,
    '--iptables=false', '--ip6tables=false', '--bridge=none', '--ip-forward=false', '--ip-masq=false',
    '--userland-proxy=false', '--storage-driver', 'overlay2', '--log-level', 'warn'], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const pid = child.pid;
  if (pid === undefined) return { skipped: 'dockerd could not be spawned' };
  // unshare execs dockerd, so this PID is dockerd's own. It stops the containerd it started.
  ws.defer('stop dockerd', async () => {
    const containerdPidFile = `${execRoot}/containerd/containerd.pid`;
    const containerdPid = existsSync(containerdPidFile) ? Number(readFileSync(containerdPidFile, 'utf8').trim()) : NaN;
    if (alive(pid)) {
      process.kill(pid, 'SIGTERM');
      if (!(await waitGone(pid, 20_000))) { process.kill(pid, 'SIGKILL'); await waitGone(pid, 5_000); }
    }
    // Only if dockerd died without stopping it: the containerd this dockerd started, by its PID.
    if (Number.isInteger(containerdPid) && alive(containerdPid)) {
      process.kill(containerdPid, 'SIGTERM');
      if (!(await waitGone(containerdPid, 10_000))) process.kill(containerdPid, 'SIGKILL');
    }
  });
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: `${dir}/client`, DOCKER_BUILDKIT: '1' };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const r = await timedSpawn(dockerCli, ['version', '--format', '{{.Server.Version}}'], { env, timeoutMs: 10_000 });
    if (r.code === 0) return { docker: dockerCli, env, version: r.stdout.trim() };
    await sleep(250);
  }
  const log = existsSync(`${dir}/dockerd.log`) ? readFileSync(`${dir}/dockerd.log`, 'utf8').trim().split('\n').slice(-3).join(' | ') : '';
  return { skipped: `dockerd did not start in 30 s: ${log}` };
}
