/**
 * Starting a container under conmon, the monitor CRI-O and podman use: conmon forks away
 * from us, runs `<runtime> create`, then keeps the container's stdio (k8s-file log) and
 * writes its exit code to exit/<id> when it ends, so neither needs the skiff process that
 * started it. It reports the container's pid (or an error) on the sync pipe (fd 3).
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { findOnPath } from './oci.js';
import type { OciRuntime } from './oci.js';
import type { ContainerPaths } from './paths.js';
import { RuntimeError } from './errors.js';
import { runToolOutcome, toolHelperActive } from './exec-tool.js';

export interface MonitorOptions {
  id: string;
  name: string;
  paths: ContainerPaths;
  runtime: OciRuntime;
  socketDir: string;
  logPath: string;
  /** Run when the container exits (e.g. `skiff rm` for --rm), with its arguments. */
  exitCommand?: { path: string; args: string[] };
  /** Keep a stdin pipe for the container, fed through conmon's attach socket (-i). */
  stdin?: boolean;
}

interface SyncMessage { data?: number; pid?: number; message?: string }

/** The runtime's own words out of its logrus line (`time=... level=error msg="..."`). */
export function runtimeMessage(text: string): string {
  const m = /msg="((?:[^"\\]|\\.)*)"/.exec(text);
  return m ? m[1]!.replace(/\\(.)/g, '$1') : text.trim();
}

/** Creates the container under conmon and resolves with the container's pid (not yet started). */
export async function createUnderConmon(options: MonitorOptions): Promise<number> {
  const { id, paths, runtime } = options;
  // Synchronous: see record.ts.
  // The exit dir is the persist dir (paths.ts): one folder to make, not two.
  for (const dir of new Set([paths.exitDir, paths.persistDir, options.socketDir, dirname(options.logPath)])) mkdirSync(dir, { recursive: true });
  const args = [
    '--api-version', '1', '-c', id, '-u', id, '-n', options.name, '-r', runtime.path, '-b', paths.runDir,
    '-p', paths.pidFile, '-P', paths.conmonPid, '-l', `k8s-file:${options.logPath}`, '--exit-dir', paths.exitDir,
    '--persist-dir', paths.persistDir, '--socket-dir-path', options.socketDir, '--log-level', 'error',
    ...runtime.globalArgs.flatMap((a) => ['--runtime-arg', a]),
  ];
  if (options.exitCommand) {
    args.push('--exit-command', options.exitCommand.path, ...options.exitCommand.args.flatMap((a) => ['--exit-command-arg', a]));
  }
  if (options.stdin) args.push('--stdin');
  if (toolHelperActive()) return createThroughHelper(options, args);
  const child = spawn(findOnPath('conmon'), args, {
    cwd: paths.persistDir,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, _OCI_SYNCPIPE: '3' },
    detached: true,
  });
  const sync = child.stdio[3];
  const stderr = child.stdio[2];
  if (!sync || !stderr) throw new Error('conmon: no sync pipe');
  let errText = '';
  stderr.on('data', (d: Buffer) => { errText += d.toString(); });
  return new Promise<number>((resolve, reject) => {
    let buffered = '';
    const done = (err: Error | undefined, pid?: number): void => {
      sync.removeAllListeners();
      sync.destroy();
      stderr.destroy();
      child.unref();
      if (err) reject(err);
      else resolve(pid!);
    };
    sync.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const nl = buffered.indexOf('\n');
      if (nl < 0) return;
      let msg: SyncMessage;
      try {
        msg = JSON.parse(buffered.slice(0, nl)) as SyncMessage;
      } catch (err: unknown) {
        done(new Error(`conmon: unreadable sync message ${JSON.stringify(buffered)}`, { cause: err }));
        return;
      }
      const pid = msg.data ?? msg.pid ?? -1;
      if (pid > 0) done(undefined, pid);
      else done(new RuntimeError('RUNTIME_FAILED', runtimeMessage(msg.message ?? errText) || `${runtime.name} create failed`));
    });
    sync.on('end', () => done(new RuntimeError('RUNTIME_FAILED', `conmon exited before the container was created: ${errText.trim() || 'no message'}`)));
    sync.on('error', (err) => done(new Error('conmon sync pipe', { cause: err })));
  });
}

/** The pid from conmon's sync message, or the error it (or its stderr) reports. */
function pidFromSync(line: string | undefined, stderr: string, runtimeName: string): number {
  if (!line) throw new RuntimeError('RUNTIME_FAILED', `conmon exited before the container was created: ${stderr.trim() || 'no message'}`);
  let msg: SyncMessage;
  try {
    msg = JSON.parse(line) as SyncMessage;
  } catch (err: unknown) {
    throw new Error(`conmon: unreadable sync message ${JSON.stringify(line)}`, { cause: err });
  }
  const pid = msg.data ?? msg.pid ?? -1;
  if (pid > 0) return pid;
  throw new RuntimeError('RUNTIME_FAILED', runtimeMessage(msg.message ?? stderr) || `${runtimeName} create failed`);
}

/**
 * conmon started by the tool helper's shell (useToolHelper): no fork of this process. conmon
 * makes its own session; its sync pipe (fd 3) is a pipe to a reader in that shell.
 */
async function createThroughHelper(options: MonitorOptions, args: string[]): Promise<number> {
  const out = await runToolOutcome({ file: findOnPath('conmon'), args, env: { _OCI_SYNCPIPE: '3' }, cwd: options.paths.persistDir, syncPipe: true });
  return pidFromSync(out.sync, out.stderr, options.runtime.name);
}
