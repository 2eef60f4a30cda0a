import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlFor, startServer } from './helpers/server.js';

// kubectl puts dryRun into the DeleteOptions body, not the query: a server that only reads
// the query would delete for real.
test('kubectl delete --dry-run=server deletes nothing', async (t) => {
  const server = await startServer();
  t.after(() => server.stop());
  const kubectl = kubectlFor(server.kubeconfigPath);
  t.after(() => kubectl.cleanup());

  const created = await kubectl.run(['create', 'configmap', 'keep', '--from-literal=a=b']);
  assert.equal(created.code, 0, created.stderr);
  const dry = await kubectl.run(['delete', 'configmap', 'keep', '--dry-run=server']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /configmap "keep" deleted \(server dry run\)/);
  const after = await kubectl.run(['get', 'configmap', 'keep', '-o', 'jsonpath={.data.a}']);
  assert.equal(after.code, 0, after.stderr);
  assert.equal(after.stdout, 'b');

  const real = await kubectl.run(['delete', 'configmap', 'keep']);
  assert.equal(real.code, 0, real.stderr);
  const gone = await kubectl.run(['get', 'configmap', 'keep']);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /NotFound/);
});
