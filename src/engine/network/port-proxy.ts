/**
 * Starting and stopping a container's port publisher (port-proxy-main.ts): a detached
 * process in its own process group, so it outlives the command that started it and is
 * stopped, inner half included, with one signal to the group.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface PublishedPort {
  hostIp: string;
  hostPort: number;
  containerPort: number;
}

/** Starts the publisher and resolves with its pid once every host port is listening. */
export function startPortProxy(netnsPath: string, socketPath: string, ports: readonly PublishedPort[]): Promise<number> {
  const main = fileURLToPath(new URL('./port-proxy-main.js', import.meta.url));
  const specs = ports.map((p) => `${p.hostIp}:${p.hostPort}:${p.containerPort}`);
  const child = spawn(process.execPath, [main, 'outer', netnsPath, socketPath, ...specs], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => {
      child.stdout.destroy();
      child.stderr.destroy();
      child.unref();
      resolve(child.pid!);
    });
    child.on('exit', (code) => reject(new Error(`port publisher exited (${code}): ${stderr.trim()}`)));
    child.on('error', reject);
  });
}

/** Stops a publisher by its pid (its process group); one already gone is fine. */
export function stopPortProxy(pid: number): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch (err: unknown) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
