/**
 * The image mirror between nodes, end to end with two engine roots: `skiff build` makes an
 * image in root A (node-a), node-a's mirror serves it and advertises itself on its Node;
 * node-b's image manager, which has no registry to reach, finds node-a through the API,
 * pulls the image into root B through the mirror, and `skiff run` runs it from root B.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from './helpers/server.js';
import { makeEngineFixture, runSkiff } from './engine-run-fixture.js';
import { connect, coreResources, ResourceClient } from '../../src/client/typed/index.js';
import type { KubeObject } from '../../src/api/types.js';
import { ImageManager } from '../../src/kubelet/images.js';
import { imageMirrorAnnotation, startAgentImageMirror } from '../../src/kubelet/image-mirror.js';

test('an image built on node A is pulled by node B from A\'s mirror and runs there', { timeout: 120_000 }, async (t) => {
  const server = await startServer();
  const fx = await makeEngineFixture('mirror-a');
  const rootB = join(fx.dir, 'engine-b');
  const rest = connect(server.kubeconfigPath, 'image-mirror-e2e');
  const errors: unknown[] = [];
  const onError = (err: unknown): void => { errors.push(err); };
  const stops: Array<() => Promise<void>> = [];
  t.after(async () => {
    for (const stop of stops) await stop();
    await runSkiff(rootB, ['rm', '-a', '-f']);
    rest.close();
    await fx.cleanup();
    await server.stop();
  });

  const ctx = join(fx.dir, 'ctx');
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nRUN echo built on node-a > /greeting\nCMD ["cat", "/greeting"]\n');
  const build = await fx.skiff(['build', '-t', 'mirrored-app:v1', ctx]);
  assert.equal(build.code, 0, build.stderr);

  const nodes = new ResourceClient<KubeObject>(rest, coreResources.nodes);
  for (const name of ['node-a', 'node-b']) {
    await nodes.create(undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
    await nodes.patch(undefined, name, 'merge', { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'test' }] } }, { subresource: 'status' });
  }
  const mirrorA = await startAgentImageMirror({ rest, nodeName: 'node-a', engineRoot: fx.root, host: '127.0.0.1', port: 0, onError });
  stops.push(() => mirrorA.stop());
  const mirrorB = await startAgentImageMirror({ rest, nodeName: 'node-b', engineRoot: rootB, host: '127.0.0.1', port: undefined, onError });
  stops.push(() => mirrorB.stop());
  assert.match(mirrorA.url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal((await nodes.get(undefined, 'node-a')).metadata?.annotations?.[imageMirrorAnnotation], mirrorA.url);
  assert.equal(mirrorB.url, undefined);

  assert.equal((await runSkiff(rootB, ['images', '-q', 'mirrored-app:v1'])).stdout.trim(), '', 'root B starts without the image');
  const images = new ImageManager(rootB, { peerPull: mirrorB.peerPull, onError });
  let pulling = 0;
  const resolved = await images.ensure({ name: 'app', image: 'mirrored-app:v1' }, () => { pulling++; });
  assert.equal(pulling, 1);
  assert.equal(resolved.pulled, true);
  assert.equal(resolved.source, `node node-a (${mirrorA.url ?? ''})`);
  assert.equal(resolved.reference, 'docker.io/library/mirrored-app:v1');
  const inA = await fx.skiff(['images', '-q', 'mirrored-app:v1']);
  const inB = await runSkiff(rootB, ['images', '-q', 'mirrored-app:v1']);
  assert.match(inA.stdout.trim(), /^[0-9a-f]{12}$/);
  assert.equal(inB.stdout.trim(), inA.stdout.trim(), 'same image ID on both nodes');

  const run = await runSkiff(rootB, ['run', '--rm', 'mirrored-app:v1']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'built on node-a');

  // A rebuilt tag on node A does not replace node B's copy behind its back (policy Always:
  // the registry is asked, then B's own copy is used).
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nRUN echo rebuilt > /greeting\nCMD ["cat", "/greeting"]\n');
  assert.equal((await fx.skiff(['build', '-t', 'mirrored-app:v1', ctx])).code, 0);
  const always = await images.ensure({ name: 'app', image: 'mirrored-app:v1', imagePullPolicy: 'Always' });
  assert.equal(always.source, undefined);
  assert.match(always.warning ?? '', /using the image present on the node/);
  assert.equal(always.imageID, resolved.imageID);

  // An image no node has falls through to the registry (none reachable here), and says so.
  await assert.rejects(images.ensure({ name: 'x', image: 'no-such-image:v9' }), /Failed to pull image "no-such-image:v9"/);

  await mirrorA.stop();
  assert.equal((await nodes.get(undefined, 'node-a')).metadata?.annotations?.[imageMirrorAnnotation], undefined, 'annotation removed on stop');
  assert.deepEqual(errors, []);
});
