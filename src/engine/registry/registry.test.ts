/** Pure parts of the registry client: challenges, credentials, endpoints, platforms, ranges, media types, progress text. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseChallenges } from './challenge.js';
import { lookupCredentials, matchAuths, normalizeAuthKey, parseCredsFlag } from './credentials.js';
import { isLoopbackHost, planEndpoint } from './endpoint.js';
import { describeFailure, parseErrorBody } from './errors.js';
import { selectPlatform } from './platform.js';
import { textProgress } from './progress.js';
import { manifestMediaType } from './repository.js';
import { mapLimit } from './transfer.js';
import { receivedBytes } from './upload.js';

describe('parseChallenges', () => {
  it('reads a bearer challenge with quoted parameters', () => {
    assert.deepEqual(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"'), [
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
    ]);
  });
  it('reads basic, bare tokens, escapes and several challenges', () => {
    assert.deepEqual(parseChallenges('Basic realm="Registry \\"R\\"", Bearer realm=x , service=y'), [
      { scheme: 'basic', params: { realm: 'Registry "R"' } },
      { scheme: 'bearer', params: { realm: 'x', service: 'y' } },
    ]);
    assert.deepEqual(parseChallenges(''), []);
  });
});

describe('credentials', () => {
  it('parses --creds with colons in the password and refuses a missing user', () => {
    assert.deepEqual(parseCredsFlag('u:p:q'), { username: 'u', password: 'p:q' });
    assert.throws(() => parseCredsFlag(':p'), /USERNAME:PASSWORD/);
    assert.throws(() => parseCredsFlag('nopass'), /USERNAME:PASSWORD/);
  });
  it('normalises auth keys', () => {
    assert.equal(normalizeAuthKey('https://index.docker.io/v1/'), 'docker.io');
    assert.equal(normalizeAuthKey('http://127.0.0.1:5000'), '127.0.0.1:5000');
    assert.equal(normalizeAuthKey('quay.io/team/'), 'quay.io/team');
  });
  it('prefers the most specific key', () => {
    const auths = {
      'quay.io': { auth: Buffer.from('host:1').toString('base64') },
      'quay.io/team': { username: 'team', password: '2' },
      'https://index.docker.io/v1/': { auth: Buffer.from('hub:3').toString('base64') },
    };
    assert.deepEqual(matchAuths(auths, 'quay.io', 'team/app'), { username: 'team', password: '2' });
    assert.deepEqual(matchAuths(auths, 'quay.io', 'other/app'), { username: 'host', password: '1' });
    assert.deepEqual(matchAuths(auths, 'docker.io', 'library/busybox'), { username: 'hub', password: '3' });
    assert.equal(matchAuths(auths, 'ghcr.io', 'x'), undefined);
  });
  it('looks in REGISTRY_AUTH_FILE, then the engine root, then Docker config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skiff-creds-'));
    try {
      const env = { HOME: dir, DOCKER_CONFIG: join(dir, 'docker') };
      assert.equal(await lookupCredentials('r.example', 'a', dir, env), undefined);
      await writeFile(join(dir, 'auth.json'), JSON.stringify({ auths: { 'r.example': { username: 'root', password: 'x' } } }));
      const other = join(dir, 'other.json');
      await writeFile(other, JSON.stringify({ auths: { 'r.example/a': { username: 'file', password: 'y' } } }));
      assert.deepEqual(await lookupCredentials('r.example', 'a', dir, env), { username: 'root', password: 'x' });
      assert.deepEqual(await lookupCredentials('r.example', 'a', dir, { ...env, REGISTRY_AUTH_FILE: other }), { username: 'file', password: 'y' });
      assert.deepEqual(await lookupCredentials('r.example', 'b', dir, { ...env, REGISTRY_AUTH_FILE: other }), { username: 'root', password: 'x' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('endpoints', () => {
  it('speaks http to loopback unless TLS is asked for, https elsewhere', () => {
    assert.ok(isLoopbackHost('127.0.0.1:5000') && isLoopbackHost('localhost') && isLoopbackHost('[::1]:5000') && isLoopbackHost('127.9.8.7'));
    assert.ok(!isLoopbackHost('127.example.com') && !isLoopbackHost('10.0.0.1:5000'));
    assert.deepEqual(planEndpoint('127.0.0.1:5000', undefined).bases.map(String), ['http://127.0.0.1:5000/']);
    assert.deepEqual(planEndpoint('localhost:5000', true).bases.map(String), ['https://localhost:5000/']);
    assert.deepEqual(planEndpoint('localhost:5000', false).bases.map(String), ['https://localhost:5000/', 'http://localhost:5000/']);
    assert.deepEqual(planEndpoint('docker.io', undefined), { bases: [new URL('https://registry-1.docker.io')], tlsVerify: true });
    assert.deepEqual(planEndpoint('r.example', false), { bases: [new URL('https://r.example'), new URL('http://r.example')], tlsVerify: false });
  });
});

describe('selectPlatform', () => {
  const d = (architecture: string, variant?: string, os = 'linux') => ({
    mediaType: 'm', digest: `${os}-${architecture}-${variant ?? ''}`, size: 1, platform: { os, architecture, ...(variant ? { variant } : {}) },
  });
  it('matches os and architecture, then variant', () => {
    const list = [d('arm', 'v6'), d('arm', 'v7'), d('amd64'), d('unknown', undefined, 'unknown')];
    assert.equal(selectPlatform(list, { os: 'linux', architecture: 'amd64' })?.digest, 'linux-amd64-');
    assert.equal(selectPlatform(list, { os: 'linux', architecture: 'arm', variant: 'v7' })?.digest, 'linux-arm-v7');
    assert.equal(selectPlatform(list, { os: 'linux', architecture: 'arm' })?.digest, 'linux-arm-v6');
    assert.equal(selectPlatform(list, { os: 'windows', architecture: 'amd64' }), undefined);
  });
});

describe('upload ranges and manifest types', () => {
  it('reads the Range an upload session reports', () => {
    assert.equal(receivedBytes('0-0'), 0);
    assert.equal(receivedBytes('0-262143'), 262144);
    assert.equal(receivedBytes('bytes=0-9'), 10);
    assert.equal(receivedBytes(undefined), 0);
  });
  it('takes the media type from the document, then the header, then its shape', () => {
    const oci = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}');
    assert.equal(manifestMediaType('application/json', oci), 'application/vnd.oci.image.manifest.v1+json');
    const bare = Buffer.from('{"schemaVersion":2,"config":{},"layers":[]}');
    assert.equal(manifestMediaType('application/vnd.docker.distribution.manifest.v2+json', bare), 'application/vnd.docker.distribution.manifest.v2+json');
    assert.equal(manifestMediaType(undefined, bare), 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(manifestMediaType(undefined, Buffer.from('{"schemaVersion":2,"manifests":[]}')), 'application/vnd.oci.image.index.v1+json');
    assert.throws(() => manifestMediaType(undefined, Buffer.from('<html>')), /not valid JSON/);
  });
  it('describes registry errors', () => {
    const details = parseErrorBody(Buffer.from('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]}'));
    assert.equal(describeFailure('reading manifest x in r/a', 404, details), 'reading manifest x in r/a: manifest unknown: manifest unknown');
    assert.equal(describeFailure('w', 502, parseErrorBody(Buffer.from('<html>bad gateway</html>'))), 'w: unexpected HTTP status 502');
  });
});

describe('textProgress', () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  it('prints one line per blob off a terminal', () => {
    let out = '';
    const sink = textProgress({ write: (t: string) => { out += t; } });
    sink.message('Getting image source signatures');
    sink.event({ type: 'start', kind: 'blob', digest, total: 10 });
    sink.event({ type: 'bytes', kind: 'blob', digest, bytes: 5, total: 10 });
    sink.event({ type: 'done', kind: 'blob', digest, total: 10 });
    sink.event({ type: 'skipped', kind: 'config', digest });
    sink.event({ type: 'mounted', kind: 'blob', digest, from: 'team/one' });
    assert.equal(out, `Getting image source signatures\nCopying blob ${digest} done\nCopying config ${digest} skipped: already exists\nCopying blob ${digest} mounted from team/one\n`);
  });
  it('draws a byte counter in place on a terminal', () => {
    let out = '';
    const sink = textProgress({ write: (t: string) => { out += t; }, isTTY: true });
    sink.event({ type: 'start', kind: 'blob', digest, total: 2_000_000 });
    sink.event({ type: 'done', kind: 'blob', digest, total: 2_000_000 });
    assert.ok(out.includes(`\r\x1b[KCopying blob ${'ab'.repeat(6)} 0B / 2MB`), JSON.stringify(out));
    assert.ok(out.endsWith(`\r\x1b[KCopying blob ${digest} done\n`), JSON.stringify(out));
  });
});

describe('mapLimit', () => {
  it('keeps at most `limit` in flight, keeps order, and starts nothing new after a failure', async () => {
    let inFlight = 0;
    let peak = 0;
    const started: number[] = [];
    const results = await mapLimit([1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 5 * (6 - n)));
      inFlight--;
      return n * 10;
    });
    assert.deepEqual(results, [10, 20, 30, 40, 50]);
    assert.equal(peak, 2);
    started.length = 0;
    await assert.rejects(mapLimit([1, 2, 3, 4], 1, async (n) => {
      started.push(n);
      if (n === 2) throw new Error('boom');
      return n;
    }), /boom/);
    assert.deepEqual(started, [1, 2]);
  });
});
