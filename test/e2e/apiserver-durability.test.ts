/** kill -9 durability at the API level: every create that got a 201 survives a restart. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { apiClient, startServer } from './helpers/server.js';

test('creates acknowledged with 201 survive SIGKILL of the server', async (t) => {
  let server = await startServer();
  const dataDir = server.dataDir;
  t.after(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const api = apiClient(server.kubeconfigPath);
  const acknowledged: string[] = [];
  let failures = 0;
  let killed = false;
  // Four concurrent writers, so the kill lands while requests are in flight.
  const writer = async (w: number): Promise<void> => {
    for (let i = 0; !killed; i++) {
      const name = `cm-${w}-${i}`;
      try {
        const r = await api.request('POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { i: String(i) } } });
        if (r.status === 201) acknowledged.push(name);
        else failures++;
      } catch {
        return; // the connection died with the server
      }
    }
  };
  const writers = [0, 1, 2, 3].map(writer);
  // Kill once enough creates were acknowledged (or after 10 s on a very slow machine).
  const until = Date.now() + 10_000;
  while (acknowledged.length < 60 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  killed = true;
  await server.kill('SIGKILL');
  await Promise.all(writers);
  assert.ok(acknowledged.length > 20, `only ${acknowledged.length} creates before the kill`);
  assert.equal(failures, 0);

  server = await startServer({ dataDir, ownsDataDir: false });
  const again = apiClient(server.kubeconfigPath);
  const list = (await again.request('GET', '/api/v1/namespaces/default/configmaps')).json<{ items: Array<{ metadata: { name: string }; data: { i: string } }> }>();
  const stored = new Set(list.items.map((i) => i.metadata.name));
  const missing = acknowledged.filter((n) => !stored.has(n));
  assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged creates were lost`);
});
