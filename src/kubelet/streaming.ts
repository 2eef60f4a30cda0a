/**
 * Streaming subresources served by the agent inside the API server's process: pods/log
 * (follow, tailLines, timestamps, previous, sinceSeconds, limitBytes) and pods/exec over
 * WebSocket v5.channel.k8s.io (stdin, tty, exit codes on channel 3), as kubectl 1.32 uses
 * them (KUBECTL-CONTRACT.md sections 8 and 9).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SubresourceHandler, UpgradeHandler } from '../apiserver/index.js';
import { readLog, type ContainerRuntime, type LogEntry } from '../engine/runtime/index.js';
import { errors, type ApiError } from '../machinery/errors.js';
import type { Pod } from './pod-types.js';
import { socketPairs, type SocketPair } from './socket-pairs.js';
import type { TrackedPod } from './tracked.js';
import { parseResize, resizePty, underPty, type TerminalSize } from './attach-tty.js';

export interface StreamingDeps {
  runtime: ContainerRuntime;
  byUid(uid: string): TrackedPod | undefined;
}

export function containerName(pod: Pod, query: URLSearchParams): string {
  const asked = query.get('container');
  if (asked) {
    const all = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].map((c) => c.name);
    if (!all.includes(asked)) throw errors.badRequest(`container ${asked} is not valid for pod ${pod.metadata?.name ?? ''}`);
    return asked;
  }
  const annotated = pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
  const first = annotated ?? pod.spec.containers[0]?.name;
  if (!first) throw errors.badRequest(`pod ${pod.metadata?.name ?? ''} has no containers`);
  return first;
}

export function containerId(deps: StreamingDeps, pod: Pod, name: string, previous: boolean): string {
  const t = deps.byUid(pod.metadata?.uid ?? '')?.containers.get(name);
  const id = previous ? t?.previousId : t?.id;
  if (id) return id;
  if (previous) throw errors.badRequest(`previous terminated container "${name}" in pod "${pod.metadata?.name ?? ''}" not found`);
  throw errors.badRequest(`container "${name}" in pod "${pod.metadata?.name ?? ''}" is waiting to start: ${t?.waiting?.reason ?? 'ContainerCreating'}`);
}

function formatEntry(e: LogEntry, timestamps: boolean): string {
  if (!timestamps) return e.text;
  // conmon writes +00:00; Kubernetes prints RFC 3339 with Z.
  return `${e.time.replace(/\+00:00$/, 'Z')} ${e.text}`;
}

export function logHandler(deps: StreamingDeps): SubresourceHandler {
  return async (req, res, target) => {
    const pod = target.object as Pod;
    const q = target.query;
    const name = containerName(pod, q);
    const id = containerId(deps, pod, name, q.get('previous') === 'true');
    const path = await deps.runtime.logPath(id);
    const timestamps = q.get('timestamps') === 'true';
    const tail = q.has('tailLines') ? Number(q.get('tailLines')) : -1;
    const since = q.has('sinceSeconds') ? Date.now() - Number(q.get('sinceSeconds')) * 1000 : q.has('sinceTime') ? Date.parse(q.get('sinceTime') ?? '') : 0;
    let budget = q.has('limitBytes') ? Number(q.get('limitBytes')) : Infinity;
    const keep = (e: LogEntry): boolean => since === 0 || Date.parse(e.time) >= since;
    // Which of the entries already written to print: those since the cut-off, the last `tail` of them.
    const existing: LogEntry[] = [];
    await readLog(path, { onEntry: (e) => { existing.push(e); } });
    let printed = existing.map((_e, i) => i).filter((i) => keep(existing[i]!));
    if (tail >= 0) printed = tail === 0 ? [] : printed.slice(-tail);
    const printSet = new Set(printed);
    let closed = false;
    req.on('close', () => { closed = true; });
    const write = (e: LogEntry): void => {
      if (budget <= 0) return;
      let text = formatEntry(e, timestamps);
      if (Buffer.byteLength(text) > budget) text = Buffer.from(text).subarray(0, budget).toString();
      budget -= Buffer.byteLength(text);
      res.write(text);
    };
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache' });
    if (q.get('follow') !== 'true') {
      printed.forEach((i) => write(existing[i]!));
      res.end();
      return;
    }
    let seen = 0;
    await readLog(path, {
      follow: true,
      pollMs: 100,
      isDone: async () => closed || budget <= 0 || (await deps.runtime.inspect(id).then((r) => r.state.status !== 'running', () => true)),
      onEntry: (e) => {
        const index = seen++;
        if (index < existing.length ? printSet.has(index) : keep(e)) write(e);
      },
    });
    res.end();
  };
}

export const channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export function refuse(socket: Duplex, err: ApiError): void {
  const body = JSON.stringify(err.toStatus());
  socket.end(`HTTP/1.1 ${err.code} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** A WebSocket server for kubectl's channel protocol (v5.channel.k8s.io, else v4), shared by exec and attach. */
export function channelSocketServer(): WebSocketServer {
  return new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : protocols.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false) });
}

/** Exec and attach speak the channel protocol over WebSocket only. */
export function requireWebSocket(req: IncomingMessage): void {
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') throw errors.badRequest('only WebSocket (v5.channel.k8s.io) streaming is supported; SPDY is not');
}

/** Answers a refused upgrade with the thrown error's Status (an unexpected one as 500). */
export function refuseThrown(socket: Duplex, err: unknown): void {
  refuse(socket, (err as ApiError).toStatus ? (err as ApiError) : errors.internal(String(err)));
}

/** What a failed session does: reports it, and tells the client on the error channel before closing. */
export function sessionFailed(ws: WebSocket, onError: (err: unknown) => void): (err: unknown) => void {
  return (err) => {
    onError(err);
    if (ws.readyState === ws.OPEN) {
      ws.send(Buffer.concat([Buffer.from([channel.error]), Buffer.from(JSON.stringify({ metadata: {}, status: 'Failure', message: err instanceof Error ? err.message : String(err), reason: 'InternalError', code: 500 }))]));
      ws.close(1000);
    }
  };
}

/** Sends one frame on a channel while the socket is open. */
export function channelSender(ws: WebSocket): (ch: number, data: Buffer) => void {
  return (ch, data) => {
    if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([ch]), data]));
  };
}

export function exitStatus(code: number): string {
  if (code === 0) return JSON.stringify({ metadata: {}, status: 'Success' });
  return JSON.stringify({
    metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: error executing command [...], exit code ${code}`, reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  });
}

export function execHandler(deps: StreamingDeps, onError: (err: unknown) => void): UpgradeHandler {
  const wss = channelSocketServer();
  return (req: IncomingMessage, socket: Duplex, head: Buffer, target) => {
    try {
      requireWebSocket(req);
      const pod = target.object as Pod;
      const q = target.query;
      const name = containerName(pod, q);
      const id = containerId(deps, pod, name, false);
      const command = q.getAll('command');
      if (command.length === 0) throw errors.badRequest('you must specify at least 1 command');
      const opts = { stdin: q.get('stdin') === 'true', stdout: q.get('stdout') !== 'false', stderr: q.get('stderr') === 'true', tty: q.get('tty') === 'true' };
      // The pipes exist before the upgrade: stdin can arrive in the very first messages.
      socketPairs(3).then((pairs) => {
        wss.handleUpgrade(req, socket, head, (ws) => {
          runExec(deps, ws, pairs, id, command, opts).catch(sessionFailed(ws, onError));
        });
      }, (err: unknown) => refuse(socket, errors.internal(`exec pipes: ${String(err)}`)));
    } catch (err: unknown) {
      refuseThrown(socket, err);
    }
  };
}

async function runExec(deps: StreamingDeps, ws: WebSocket, pairs: SocketPair[], id: string, command: string[], o: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }): Promise<void> {
  const [inPair, outPair, errPair] = pairs;
  if (!inPair || !outPair || !errPair) throw new Error('could not make exec pipes');
  const send = channelSender(ws);
  const drained = (s: typeof outPair.local): Promise<void> => new Promise((resolve) => { s.once('end', resolve); s.once('close', resolve); s.once('error', () => resolve()); });
  const outDone = drained(outPair.local);
  const errDone = drained(errPair.local);
  outPair.local.on('data', (d: Buffer) => { if (o.stdout) send(channel.stdout, d); });
  errPair.local.on('data', (d: Buffer) => { if (o.stderr) send(channel.stderr, d); });
  // A tty session: the first size kubectl sends is applied before the process starts,
  // later ones resize the running terminal (attach-tty.ts).
  let size: TerminalSize | undefined;
  let sizeSeen: () => void = () => undefined;
  const firstSize = new Promise<void>((resolve) => { sizeSeen = resolve; });
  let ptyPid = 0;
  ws.on('message', (data: Buffer) => {
    const ch = data[0];
    if (ch === channel.stdin && o.stdin) inPair.local.write(data.subarray(1));
    else if (ch === channel.close && data[1] === channel.stdin) inPair.local.end();
    else if (ch === channel.resize && o.tty) {
      const next = parseResize(data.subarray(1));
      if (!next) return;
      size = next;
      sizeSeen();
      if (ptyPid) resizePty(ptyPid, next).catch(() => undefined);
    }
  });
  ws.on('close', () => inPair.local.destroy());
  let code: number;
  try {
    // kubectl sends the size first thing; the wait only matters for clients that never do.
    if (o.tty) await Promise.race([firstSize, new Promise((r) => setTimeout(r, 1000))]);
    // With a tty, runc runs under `script` (a host pty for it; it makes the container's),
    // and stdout and stderr are one stream, as on a terminal.
    const terminal = o.tty ? { tty: true, env: ['TERM=xterm'], wrap: underPty(size), onSpawn: (child: { pid?: number | undefined }) => { ptyPid = child.pid ?? 0; } } : {};
    code = await deps.runtime.exec(id, { args: command, ...terminal, stdio: [o.stdin || o.tty ? inPair.remote : 'ignore', outPair.remote, o.tty ? outPair.remote : errPair.remote] });
  } finally {
    // Our copies of the child's ends: closing them lets the local ends see end-of-file.
    inPair.remote.destroy();
    outPair.remote.destroy();
    errPair.remote.destroy();
  }
  await Promise.all([outDone, errDone]);
  inPair.local.destroy();
  send(channel.error, Buffer.from(exitStatus(code)));
  ws.close(1000);
}
