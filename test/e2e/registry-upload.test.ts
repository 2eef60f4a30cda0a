/**
 * Chunked uploads that break in flight, through a proxy in front of the real docker-registry:
 * a PATCH that never reaches the registry is resumed where the session stands (GET on the
 * upload URL -> Range), and one whose answer is lost (the registry has the bytes, our state
 * token is stale, so docker-registry cancels the session) is started again. Either way the
 * image arrives whole: pulled back straight from the registry, its manifest digest matches.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openImageStore } from '../../src/engine/image/index.js';
import { pullImage, pushImage, type ProgressEvent, type ProgressSink } from '../../src/engine/registry/index.js';
import { makeEngineFixture, type EngineFixture } from './engine-run-fixture.js';
import { startBreakingProxy, startRegistry, type ProxyAction, type RegistryProcess } from './registry-fixture.js';

const CHUNK = 256 << 10;

function collect(): { sink: ProgressSink; events: ProgressEvent[] } {
  const events: ProgressEvent[] = [];
  return { events, sink: { event: (e) => events.push(e), message: () => undefined } };
}

describe('registry: chunked and resumed uploads', () => {
  let fx: EngineFixture;
  let registry: RegistryProcess;

  before(async () => {
    fx = await makeEngineFixture('registry-upload');
    registry = await startRegistry();
  });
  after(async () => {
    await registry?.stop();
    await fx?.cleanup();
  });

  async function pushThroughProxy(repo: string, breakPatch: (count: number) => ProxyAction): Promise<{ events: ProgressEvent[]; seen: string[]; layerSize: number }> {
    const proxy = await startBreakingProxy(registry.host, (method, _path, count) => (method === 'PATCH' ? breakPatch(count) : 'forward'));
    try {
      const store = openImageStore(fx.root);
      const image = await store.resolve('busybox');
      const layerSize = image.manifest.layers[0]!.size;
      assert.ok(layerSize > 2 * CHUNK, `the busybox layer (${layerSize} bytes) must span several chunks`);
      const { sink, events } = collect();
      const result = await pushImage(store, 'busybox', `${proxy.host}/${repo}:1`, { chunkSize: CHUNK, progress: sink });
      assert.deepEqual(result.uploaded.sort(), [image.id, image.manifest.layers[0]!.digest].sort());

      // Straight from the registry (no proxy), into an empty root: the bytes must be whole.
      const check = openImageStore(join(fx.dir, `check-${repo.replace('/', '-')}`));
      const pulled = await pullImage(check, `${registry.host}/${repo}:1`);
      assert.equal(pulled.manifestDigest, image.manifestDigest);
      assert.deepEqual(pulled.fetched.sort(), [image.id, image.manifest.layers[0]!.digest].sort(), 'every blob was fetched and verified');
      return { events, seen: proxy.seen, layerSize };
    } finally {
      await proxy.stop();
    }
  }

  it('resumes a chunk that never reached the registry from the Range the session reports', async () => {
    const { events, seen } = await pushThroughProxy('resume/lost-request', (count) => (count === 2 ? 'drop-before' : 'forward'));
    const resumed = events.filter((e) => e.type === 'resumed');
    assert.equal(resumed.length, 1);
    assert.equal(resumed[0]!.type === 'resumed' && resumed[0]!.offset, CHUNK, 'picked up after the first chunk');
    assert.ok(seen.some((s) => /^GET \/v2\/resume\/lost-request\/blobs\/uploads\/[0-9a-f-]+$/.test(s)), `asked the session for its status: ${seen.join(', ')}`);
    assert.equal(seen.filter((s) => s === 'POST /v2/resume/lost-request/blobs/uploads/').length, 2, 'one session per blob (layer, config): no restart');
  });

  it('starts again when the registry cannot resume (the answer to a chunk was lost)', async () => {
    const { events, seen } = await pushThroughProxy('resume/lost-answer', (count) => (count === 2 ? 'drop-after' : 'forward'));
    const resumed = events.filter((e) => e.type === 'resumed');
    assert.equal(resumed.length, 1);
    assert.equal(resumed[0]!.type === 'resumed' && resumed[0]!.offset, 0, 'a new session from byte 0');
    assert.equal(seen.filter((s) => s === 'POST /v2/resume/lost-answer/blobs/uploads/').length, 3, 'layer twice (restart), config once');
  });

  it('gives up after too many broken chunks', async () => {
    const proxy = await startBreakingProxy(registry.host, (method) => (method === 'PATCH' ? 'drop-before' : 'forward'));
    try {
      await assert.rejects(
        pushImage(openImageStore(fx.root), 'busybox', `${proxy.host}/resume/broken:1`, { chunkSize: CHUNK, maxResumes: 2 }),
        /PATCH http:\/\/127\.0\.0\.1:\d+\/v2\/resume\/broken\/blobs\/uploads\//,
      );
      assert.equal(proxy.seen.filter((s) => s.startsWith('PATCH ')).length, 3, 'the first try and two resumes');
    } finally {
      await proxy.stop();
    }
  });
});
