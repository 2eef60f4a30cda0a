/**
 * A client Transport across a MessagePort, for components on threads of their own (the agent, src/kubelet/agent-thread.ts; the scheduler, src/scheduler/thread.ts):
 * the worker's RestClient sends each request as a message, and the server's thread hands it
 * to the API server's in-process transport, answering with the status and headers and then
 * the body's chunks (a watch's as events happen). Bodies cross by structured clone, so
 * neither side pays TLS, HTTP framing or, for objects, JSON encoding.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Transport, TransportRequest, TransportResponse } from './transport.js';

type ToServer =
  | { kind: 'send'; id: number; request: Omit<TransportRequest, 'signal'> }
  | { kind: 'abort'; id: number };
type ToClient =
  | { kind: 'head'; id: number; status: number; headers: Record<string, string | string[] | undefined> }
  | { kind: 'chunk'; id: number; text: string }
  | { kind: 'end'; id: number }
  | { kind: 'failed'; id: number; message: string };

/** The server's half: serves requests arriving on `port` through `transport`. */
export function serveTransportOnPort(port: MessagePort, transport: Transport): void {
  const aborts = new Map<number, AbortController>();
  const post = (m: ToClient): void => port.postMessage(m);
  port.on('message', (m: ToServer) => {
    if (m.kind === 'abort') { aborts.get(m.id)?.abort(); return; }
    const abort = new AbortController();
    aborts.set(m.id, abort);
    void (async () => {
      try {
        // Object bodies only for the API's own resources: other endpoints (the metrics push)
        // read the request's bytes, which an object body leaves empty.
        const r = m.request;
        const body = r.body !== undefined && typeof r.body !== 'string' && !/^\/apis?\//.test(r.path) ? JSON.stringify(r.body) : r.body;
        const res = await transport.send({ ...r, ...(body !== undefined ? { body } : {}), signal: abort.signal });
        post({ kind: 'head', id: m.id, status: res.status, headers: { ...res.headers } });
        for await (const text of res.chunks()) post({ kind: 'chunk', id: m.id, text });
        post({ kind: 'end', id: m.id });
      } catch (err: unknown) {
        post({ kind: 'failed', id: m.id, message: err instanceof Error ? err.message : String(err) });
      } finally {
        aborts.delete(m.id);
      }
    })();
  });
}

interface Waiting {
  head?: (r: TransportResponse) => void;
  fail: (err: Error) => void;
  chunks: string[];
  done: boolean;
  failure?: Error;
  wake?: () => void;
}

/** The worker's half: a Transport whose requests go over `port`. */
export function transportOverPort(port: MessagePort): Transport {
  let nextId = 1;
  const waiting = new Map<number, Waiting>();
  const notify = (w: Waiting): void => { const wake = w.wake; w.wake = undefined; wake?.(); };
  port.on('message', (m: ToClient) => {
    const w = waiting.get(m.id);
    if (!w) return;
    if (m.kind === 'head') {
      const head = w.head;
      w.head = undefined;
      head?.(responseOf(w, m));
    } else if (m.kind === 'chunk') {
      w.chunks.push(m.text);
      notify(w);
    } else {
      w.done = true;
      if (m.kind === 'failed') {
        w.failure = new Error(m.message);
        w.head = undefined;
        w.fail(w.failure);
      }
      waiting.delete(m.id);
      notify(w);
    }
  });
  async function* drain(w: Waiting): AsyncGenerator<string> {
    for (;;) {
      if (w.chunks.length > 0) {
        const all = w.chunks.join('');
        w.chunks.length = 0;
        yield all;
        continue;
      }
      if (w.done) {
        if (w.failure) throw w.failure;
        return;
      }
      await new Promise<void>((resolve) => { w.wake = resolve; });
    }
  }
  function responseOf(w: Waiting, m: { status: number; headers: Record<string, string | string[] | undefined> }): TransportResponse {
    let consumed = false;
    const take = (): AsyncGenerator<string> => {
      if (consumed) throw new Error('the response body was already read');
      consumed = true;
      return drain(w);
    };
    return {
      status: m.status, headers: m.headers,
      chunks: take,
      async text() {
        let all = '';
        for await (const c of take()) all += c;
        return all;
      },
    };
  }
  return {
    send(r: TransportRequest): Promise<TransportResponse> {
      if (r.signal?.aborted) return Promise.reject(r.signal.reason instanceof Error ? r.signal.reason : new Error('the request was aborted'));
      const id = nextId++;
      const { signal, ...request } = r;
      return new Promise<TransportResponse>((resolve, reject) => {
        const w: Waiting = { head: resolve, fail: reject, chunks: [], done: false };
        waiting.set(id, w);
        signal?.addEventListener('abort', () => {
          if (w.done) return;
          port.postMessage({ kind: 'abort', id } satisfies ToServer);
          // The stream ends here at once, as the in-process transport's does for its caller.
          w.done = true;
          waiting.delete(id);
          if (w.head) { w.head = undefined; reject(signal.reason instanceof Error ? signal.reason : new Error('the request was aborted')); }
          notify(w);
        }, { once: true });
        port.postMessage({ kind: 'send', id, request } satisfies ToServer);
      });
    },
  };
}
