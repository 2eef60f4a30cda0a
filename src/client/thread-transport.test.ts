import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import type { Transport, TransportRequest, TransportResponse } from './transport.js';
import { serveTransportOnPort, transportOverPort } from './thread-transport.js';

/** A stand-in for the API server's in-process transport (pure message plumbing is tested). */
function fakeApi(seen: TransportRequest[]): Transport {
  return {
    async send(r) {
      seen.push(r);
      if (r.path === '/fail') throw new Error('no route');
      const watch = r.path === '/watch';
      const res: TransportResponse = {
        status: 201, headers: { 'content-type': 'application/json' },
        async *chunks() {
          if (!watch) { yield JSON.stringify({ echoed: r.body }); return; }
          yield '{"n":1}\n';
          // A watch runs until the caller's abort reaches us.
          await new Promise<void>((resolve) => r.signal?.addEventListener('abort', () => resolve(), { once: true }));
        },
        async text() { let s = ''; for await (const c of this.chunks()) s += c; return s; },
      };
      return res;
    },
  };
}

test('thread transport: requests, object bodies, failures and aborted watches cross a MessagePort', async (t) => {
  const { port1, port2 } = new MessageChannel();
  t.after(() => { port1.close(); port2.close(); });
  const seen: TransportRequest[] = [];
  serveTransportOnPort(port1, fakeApi(seen));
  const client = transportOverPort(port2);

  const res = await client.send({ method: 'POST', path: '/api/v1/x', query: 'a=1', headers: { 'content-type': 'application/json' }, body: { kind: 'Pod', n: [1, 2] } });
  assert.equal(res.status, 201);
  assert.equal(res.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(await res.text()), { echoed: { kind: 'Pod', n: [1, 2] } });
  assert.equal(seen[0]?.query, 'a=1');

  // Outside /api and /apis (the metrics push reads raw bytes) an object body arrives as JSON text.
  await (await client.send({ method: 'POST', path: '/internal/metrics/v1/nodes/n', query: '', headers: {}, body: { pods: [] } })).text();
  assert.equal(seen[1]?.body, '{"pods":[]}');

  await assert.rejects(client.send({ method: 'GET', path: '/fail', query: '', headers: {} }), /no route/);

  const abort = new AbortController();
  const watch = await client.send({ method: 'GET', path: '/watch', query: '', headers: {}, signal: abort.signal });
  const got: string[] = [];
  for await (const chunk of watch.chunks()) {
    got.push(chunk);
    abort.abort();
  }
  assert.deepEqual(got, ['{"n":1}\n']);
  // The server's side saw the abort (its signal), so its watch ended too.
  const serverSignal = seen[3]?.signal;
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(serverSignal?.aborted, true);
});
