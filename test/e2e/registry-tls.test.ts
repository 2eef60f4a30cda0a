/**
 * A loopback registry serving https with a self-signed certificate: plain http (the loopback
 * default) and verified https both fail; --tls-verify=false talks https without checking.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openImageStore } from '../../src/engine/image/index.js';
import { makeEngineFixture, runSkiff, type EngineFixture } from './engine-run-fixture.js';
import { selfSignedCertificate, startRegistry, type RegistryProcess } from './registry-fixture.js';

describe('registry: TLS', () => {
  let fx: EngineFixture;
  let registry: RegistryProcess;
  before(async () => {
    fx = await makeEngineFixture('registry-tls');
    const { certPem, keyPem } = selfSignedCertificate('skiff test registry');
    registry = await startRegistry({ tls: { certPem, keyPem } });
  });
  after(async () => {
    await registry?.stop();
    await fx?.cleanup();
  });

  it('uses https without verification only when --tls-verify=false', async () => {
    const dest = `${registry.host}/tls/busybox:1`;
    const push = await fx.skiff(['push', '-q', '--tls-verify=false', 'busybox', dest]);
    assert.equal(push.code, 0, push.stderr);

    const root = join(fx.dir, 'pulled');
    const plain = await runSkiff(root, ['pull', '-q', dest]);
    assert.equal(plain.code, 1, 'loopback defaults to http, which an https registry refuses');
    assert.match(plain.stderr, /pinging container registry 127\.0\.0\.1:\d+: unexpected HTTP status 400/);
    const verified = await runSkiff(root, ['pull', '-q', '--tls-verify=true', dest]);
    assert.equal(verified.code, 1);
    assert.match(verified.stderr, /self[- ]signed certificate/);
    const insecure = await runSkiff(root, ['pull', '-q', '--tls-verify=false', dest]);
    assert.equal(insecure.code, 0, insecure.stderr);
    assert.equal((await openImageStore(root).resolve(dest)).id, (await openImageStore(fx.root).resolve('busybox')).id);
  });
});
