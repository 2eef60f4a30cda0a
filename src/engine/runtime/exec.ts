/**
 * Running another process in a running container (`runc exec`): it joins the container's
 * namespaces and cgroup and gets its capabilities, seccomp profile and user. The exit code
 * is the process's own (128+N for a signal).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { recordPaths } from './paths.js';
import { mergeEnv } from './create.js';
import type { ContainerRecord } from './record.js';
import { recordRuntime } from './oci.js';
import { resolveUser } from './user.js';
import { RuntimeError } from './errors.js';
import { signalNumber } from './signals.js';

export interface ExecOptions {
  args: string[];
  tty?: boolean;
  env?: string[];
  workingDir?: string;
  user?: string;
  stdio?: StdioOptions;
  /**
   * Runs the runtime's command line through another program (e.g. `script`, to give
   * `runc exec --tty` the terminal it needs): gets the runtime path and arguments, returns
   * what to spawn instead.
   */
  wrap?: (file: string, args: string[]) => { file: string; args: string[] };
  /** Called with the spawned child (its pid, to resize a terminal). */
  onSpawn?: (child: ChildProcess) => void;
}

export async function execInContainer(root: string, record: ContainerRecord, options: ExecOptions): Promise<number> {
  if (record.state.status !== 'running') throw new RuntimeError('CONTAINER_NOT_RUNNING', `can only create exec sessions on running containers: container state improper`);
  if (options.args.length === 0) throw new RuntimeError('INVALID_ARGUMENT', 'must provide a non-empty command to start an exec session');
  const rt = recordRuntime(root, record);
  // The container's own root as its processes see it: the rootfs may be mounted only inside
  // the container's mount namespace (runc mounts it there), not on the host.
  const rootfs = record.state.pid > 0 ? `/proc/${record.state.pid}/root` : recordPaths(root, record).rootfs;
  const user = await resolveUser(rootfs, options.user ?? record.config.user);
  const args = [...rt.globalArgs, 'exec', '--user', `${user.uid}:${user.gid}`, '--cwd', options.workingDir ?? record.config.workingDir];
  for (const gid of new Set([...user.additionalGids, ...(record.hostConfig.security?.extraGids ?? [])])) args.push('--additional-gids', String(gid));
  if (options.tty) args.push('--tty');
  // runc adds --env to the container's own environment; crun's --env replaces it (PATH and
  // all), so crun is given the whole of it with the caller's values on top. Known crun 1.8
  // quirk with --tty: output still in the terminal when the process ends is printed as one
  // of crun's own log lines (its flush_fd_to_err), so a short command's last output may come
  // back wrapped in crun's error colours and time stamp (~1 in 60 here under load).
  const env = rt.name === 'crun' && options.env?.length ? mergeEnv(record.config.env, options.env) : options.env ?? [];
  for (const e of env) args.push('--env', e);
  args.push(record.id, ...options.args);
  return new Promise<number>((resolve, reject) => {
    const command = options.wrap ? options.wrap(rt.path, args) : { file: rt.path, args };
    const child = spawn(command.file, command.args, { stdio: options.stdio ?? 'inherit' });
    options.onSpawn?.(child);
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + signalNumber(signal) : 255)));
  });
}
