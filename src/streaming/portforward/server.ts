/**
 * The kubelet side of the portforward.k8s.io protocol over a SPDY session. For each local
 * connection kubectl opens two streams that share a `requestID` header: an error stream
 * (kubectl half-closes it at once and reads it to the end; any text there is an error) and
 * a data stream, both naming the pod `port`. Once both are here we dial the port and copy
 * bytes both ways, passing half-closes through; a failure is written on the error stream
 * with upstream's wording, and both streams end when the forwarding does.
 */
import type { Duplex } from 'node:stream';
import { headerValue, type SpdyHeaders } from '../spdy/header-block.js';
import { SpdySession } from '../spdy/session.js';
import type { SpdyStream } from '../spdy/stream.js';

export interface PortForwardOptions {
  /** Reaches the pod's port (e.g. inside its network namespace); rejects with a readable reason. */
  connect(port: number): Promise<Duplex>;
  /** For error messages, as kubelet names the pod. */
  readonly podName?: string;
  readonly podUid?: string;
  /** How long the second stream of a pair may take to arrive (kubelet's default: 30 s). */
  readonly streamCreationTimeoutMs?: number;
  /** Refused streams, failed forwards and protocol errors, for the caller's log. */
  readonly onWarning?: (message: string) => void;
}

/** A running port-forward session; dispose() ends it and every forwarded connection. */
export interface PortForwardSession {
  /** Settles when the client went away and every forward is torn down. */
  readonly closed: Promise<void>;
  /** Forwarded connections in progress. */
  activeForwards(): number;
  dispose(): void;
}

/** How long a forward stays open for the client once the pod closed its side (kubelet: 1 s). */
const POD_CLOSED_GRACE_MS = 1000;

interface StreamPair {
  readonly requestId: string;
  error?: SpdyStream;
  data?: SpdyStream;
  timer?: NodeJS.Timeout;
}

function parsePort(headers: SpdyHeaders): number | string {
  const raw = headerValue(headers, 'port');
  if (!raw) return '"port" header is required';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) return `unable to parse "${raw}" as a port`;
  if (port < 1) return `port "${raw}" must be > 0`;
  return port;
}

function checkStream(headers: SpdyHeaders): string | undefined {
  const port = parsePort(headers);
  if (typeof port === 'string') return port;
  const type = headerValue(headers, 'streamType');
  if (!type) return '"streamType" header is required';
  if (type !== 'error' && type !== 'data') return `invalid stream type "${type}"`;
  return undefined;
}

/** Serves kubectl's port-forward streams on an upgraded connection (see upgrade.ts). */
export function servePortForward(transport: Duplex, opts: PortForwardOptions): PortForwardSession {
  const pairs = new Map<string, StreamPair>();
  let active = 0;
  const warn = (m: string): void => opts.onWarning?.(m);
  const timeoutMs = opts.streamCreationTimeoutMs ?? 30_000;

  const requestIdOf = (stream: SpdyStream): string => {
    const id = headerValue(stream.headers, 'requestID');
    if (id) return id;
    // Clients older than requestID: the error stream comes first, its data stream two ids later.
    return String(headerValue(stream.headers, 'streamType') === 'data' ? stream.id - 2 : stream.id);
  };

  const onStream = (stream: SpdyStream): void => {
    stream.on('error', (err: Error) => warn(`stream ${stream.id}: ${err.message}`));
    const requestId = requestIdOf(stream);
    let pair = pairs.get(requestId);
    if (!pair) {
      const created: StreamPair = { requestId };
      created.timer = setTimeout(() => {
        pairs.delete(requestId);
        const msg = `timed out waiting for streams of request ${requestId}`;
        warn(msg);
        created.error?.end(msg);
        created.data?.destroy();
      }, timeoutMs);
      pairs.set(requestId, created);
      pair = created;
    }
    const type = headerValue(stream.headers, 'streamType') === 'error' ? 'error' : 'data';
    if (pair[type]) {
      const msg = `error processing stream for request ${requestId}: ${type} stream already assigned`;
      warn(msg);
      pair.error?.write(msg);
      stream.destroy();
      return;
    }
    pair[type] = stream;
    if (pair.error && pair.data) {
      clearTimeout(pair.timer);
      pairs.delete(requestId);
      void forward(pair.error, pair.data);
    }
  };

  const forward = async (errorStream: SpdyStream, dataStream: SpdyStream): Promise<void> => {
    const port = parsePort(dataStream.headers) as number;
    // kubectl half-closes the error stream at once; drain it so its end is noticed.
    errorStream.resume();
    active++;
    try {
      await pipeToPod(errorStream, dataStream, port);
    } catch (err: unknown) {
      const reason = err instanceof Error ? err.message : String(err);
      const msg = `error forwarding port ${port} to pod ${opts.podName ?? ''}, uid ${opts.podUid ?? ''}: ${reason}`;
      warn(msg);
      if (!errorStream.destroyed && !errorStream.writableEnded) errorStream.write(msg);
    } finally {
      active--;
      if (!errorStream.destroyed) errorStream.end();
      if (!dataStream.destroyed && !dataStream.writableEnded) dataStream.end();
    }
  };

  const pipeToPod = async (errorStream: SpdyStream, data: SpdyStream, port: number): Promise<void> => {
    const pod = await opts.connect(port);
    // The client may have left (or the session closed) while we dialled.
    if (data.destroyed || errorStream.destroyed) {
      pod.destroy();
      return;
    }
    // kubectl resets the data stream once the pod side finished; so does a client that left.
    await new Promise<void>((resolve, reject) => {
      let podEnded = false;
      let clientEnded = false;
      let grace: NodeJS.Timeout | undefined;
      const finish = (err?: Error): void => {
        clearTimeout(grace);
        data.off('reset', onReset);
        errorStream.off('reset', onReset);
        if (!pod.destroyed) pod.destroy();
        if (err) reject(err);
        else resolve();
      };
      const onReset = (): void => finish();
      const maybeDone = (): void => { if (podEnded && clientEnded) finish(); };
      data.on('reset', onReset);
      errorStream.on('reset', onReset);
      pod.on('error', (err: Error) => finish(err));
      pod.on('close', () => { if (!podEnded) finish(); });
      // Half-closes pass through: the client's FIN ends our writes to the pod, the pod's
      // EOF becomes FIN on the data stream.
      data.pipe(pod);
      pod.pipe(data);
      data.on('end', () => { clientEnded = true; maybeDone(); });
      pod.on('end', () => {
        podEnded = true;
        maybeDone();
        // As kubelet does: once the pod side is done, the client has a moment to finish too.
        // kubectl resets the data stream at once; a client that waits for the error stream
        // to end before closing would otherwise wait for ever.
        if (!clientEnded) grace = setTimeout(() => finish(), POD_CLOSED_GRACE_MS);
      });
      data.on('close', () => { if (!(podEnded && clientEnded)) finish(); });
    });
  };

  const session = new SpdySession(transport, { role: 'server', check: checkStream, onStream, onWarning: warn });
  const closed = session.closed.then(() => {
    for (const p of pairs.values()) clearTimeout(p.timer);
    pairs.clear();
  });
  return {
    closed,
    activeForwards: () => active,
    dispose: () => session.close(),
  };
}
