/**
 * pods/attach over WebSocket v5.channel.k8s.io, as kubectl 1.32 uses it: the running
 * container's output from now on, stdout and stderr on their channels, until the container
 * exits (its exit status on channel 3) or the client leaves. The output is read from the
 * container's log as conmon writes it. Input goes to a container made with `stdin: true`
 * through conmon's attach socket: it is SOCK_SEQPACKET, which Node cannot open, so `socat`
 * carries it; the client's end of stdin closes the container's stdin.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { UpgradeHandler } from '../apiserver/index.js';
import { readLog, runRootOf, socketDir } from '../engine/runtime/index.js';
import type { Pod } from './pod-types.js';
import { channel, channelSender, channelSocketServer, containerId, containerName, exitStatus, refuseThrown, requireWebSocket, sessionFailed, type StreamingDeps } from './streaming.js';

export function attachHandler(deps: StreamingDeps, onError: (err: unknown) => void): UpgradeHandler {
  const wss = channelSocketServer();
  return (req: IncomingMessage, socket: Duplex, head: Buffer, target) => {
    try {
      requireWebSocket(req);
      const pod = target.object as Pod;
      const q = target.query;
      const name = containerName(pod, q);
      const id = containerId(deps, pod, name, false);
      const opts = { stdin: q.get('stdin') === 'true', stdout: q.get('stdout') !== 'false', stderr: q.get('stderr') === 'true' };
      wss.handleUpgrade(req, socket, head, (ws) => {
        runAttach(deps, ws, id, opts).catch(sessionFailed(ws, onError));
      });
    } catch (err: unknown) {
      refuseThrown(socket, err);
    }
  };
}

async function runAttach(deps: StreamingDeps, ws: WebSocket, id: string, o: { stdin: boolean; stdout: boolean; stderr: boolean }): Promise<void> {
  const send = channelSender(ws);
  let closed = false;
  // Listen at once (input may come first), deliver once the bridge is there.
  const early: Buffer[] = [];
  let input: { write(data: Buffer): void; end(): void } | undefined;
  const deliver = (data: Buffer): void => {
    if (data[0] === channel.stdin) input?.write(data.subarray(1));
    else if (data[0] === channel.close && data[1] === channel.stdin) input?.end();
  };
  let ready = false;
  // Resizes (channel 4) have nowhere to go: attach to a tty container is not supported.
  ws.on('message', (data: Buffer) => { if (ready) deliver(data); else early.push(data); });
  ws.on('close', () => { closed = true; input?.end(); });
  const rec = await deps.runtime.inspect(id);
  const path = await deps.runtime.logPath(id);
  // Only what the container writes from now on (counted before any input reaches it): skip
  // the entries already in the log.
  let existing = 0;
  await readLog(path, { onEntry: () => { existing++; } });
  if (o.stdin && rec.config.openStdin) input = stdinBridge(runRootOf(deps.runtime.root, rec), id, (message) => send(channel.stderr, Buffer.from(`skiff: ${message}\n`)));
  if (o.stdin && !rec.config.openStdin && o.stderr) send(channel.stderr, Buffer.from('skiff: the container was not made with stdin: true; showing output only\n'));
  ready = true;
  early.splice(0).forEach(deliver);
  if (closed) input?.end();
  let seen = 0;
  await readLog(path, {
    follow: true,
    pollMs: 50,
    isDone: async () => closed || (await deps.runtime.inspect(id).then((r) => r.state.status !== 'running', () => true)),
    onEntry: (e) => {
      if (seen++ < existing) return;
      if (e.stream === 'stdout' && o.stdout) send(channel.stdout, Buffer.from(e.text));
      else if (e.stream === 'stderr' && o.stderr) send(channel.stderr, Buffer.from(e.text));
    },
  });
  input?.end();
  if (closed) return;
  const last = await deps.runtime.inspect(id).catch(() => undefined);
  send(channel.error, Buffer.from(exitStatus(last?.state.exitCode ?? 0)));
  ws.close(1000);
}

/** Writes to the container's stdin through conmon's attach socket (relative path: sun_path is short). */
function stdinBridge(runRoot: string, id: string, warn: (message: string) => void): { write(data: Buffer): void; end(): void } {
  let child: ChildProcess | undefined = spawn('socat', ['-', 'UNIX-CONNECT:attach,type=5'], { cwd: join(socketDir(runRoot), id), stdio: ['pipe', 'ignore', 'pipe'] });
  let errText = '';
  child.stderr?.on('data', (d: Buffer) => { errText += d.toString(); });
  child.stdin?.on('error', () => undefined);
  child.on('error', (err) => { warn(`cannot pass stdin on (${err.message}; is socat installed?)`); child = undefined; });
  child.on('exit', (code) => { if (code && errText) warn(`stdin: ${errText.trim()}`); child = undefined; });
  const end = (): void => {
    const c = child;
    if (!c) return;
    c.stdin?.end();
    // socat leaves by itself once conmon closes the other direction; make sure it does.
    setTimeout(() => { if (c.exitCode === null && c.signalCode === null && c.pid) process.kill(c.pid, 'SIGTERM'); }, 2000).unref();
  };
  return { write: (data) => { child?.stdin?.write(data); }, end };
}
