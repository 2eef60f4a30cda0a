/**
 * pods/attach over WebSocket v5.channel.k8s.io, as kubectl 1.32 uses it: the running
 * container's output from now on, stdout and stderr on their channels, until the container
 * exits (its exit status on channel 3) or the client leaves. The output is read from the
 * container's log as conmon writes it. Input is not passed on yet: conmon takes a
 * container's stdin only through its SOCK_SEQPACKET attach socket, which Node cannot open;
 * a session that asks for stdin is told so on stderr and gets the output all the same.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { UpgradeHandler } from '../apiserver/index.js';
import { readLog } from '../engine/runtime/index.js';
import { errors, type ApiError } from '../machinery/errors.js';
import type { Pod } from './pod-types.js';
import { channel, containerId, containerName, exitStatus, refuse, type StreamingDeps } from './streaming.js';

export function attachHandler(deps: StreamingDeps, onError: (err: unknown) => void): UpgradeHandler {
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : protocols.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
  return (req: IncomingMessage, socket: Duplex, head: Buffer, target) => {
    try {
      if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') throw errors.badRequest('only WebSocket (v5.channel.k8s.io) streaming is supported; SPDY is not');
      const pod = target.object as Pod;
      const q = target.query;
      const name = containerName(pod, q);
      const id = containerId(deps, pod, name, false);
      const opts = { stdin: q.get('stdin') === 'true', stdout: q.get('stdout') !== 'false', stderr: q.get('stderr') === 'true' };
      wss.handleUpgrade(req, socket, head, (ws) => {
        runAttach(deps, ws, id, opts).catch((err: unknown) => {
          onError(err);
          if (ws.readyState === ws.OPEN) {
            ws.send(Buffer.concat([Buffer.from([channel.error]), Buffer.from(JSON.stringify({ metadata: {}, status: 'Failure', message: err instanceof Error ? err.message : String(err), reason: 'InternalError', code: 500 }))]));
            ws.close(1000);
          }
        });
      });
    } catch (err: unknown) {
      refuse(socket, (err as ApiError).toStatus ? (err as ApiError) : errors.internal(String(err)));
    }
  };
}

async function runAttach(deps: StreamingDeps, ws: WebSocket, id: string, o: { stdin: boolean; stdout: boolean; stderr: boolean }): Promise<void> {
  const send = (ch: number, data: Buffer): void => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([ch]), data]));
  };
  let closed = false;
  ws.on('close', () => { closed = true; });
  // kubectl sends stdin and resizes; there is nowhere to deliver them yet (see above).
  ws.on('message', () => undefined);
  if (o.stdin && o.stderr) send(channel.stderr, Buffer.from('skiff: attaching to stdin is not supported yet; showing output only\n'));
  const path = await deps.runtime.logPath(id);
  // Only what the container writes from now on: skip the entries already in the log.
  let existing = 0;
  await readLog(path, { onEntry: () => { existing++; } });
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
  if (closed) return;
  const rec = await deps.runtime.inspect(id).catch(() => undefined);
  send(channel.error, Buffer.from(exitStatus(rec?.state.exitCode ?? 0)));
  ws.close(1000);
}
