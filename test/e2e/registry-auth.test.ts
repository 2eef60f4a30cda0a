/**
 * Authentication against the real docker-registry: Basic (an htpasswd file made with
 * `htpasswd -B`) and Bearer tokens (registry `auth: token`, a token server in the test that
 * checks basic credentials and signs JWTs the registry verifies). Credentials come from
 * --creds, `<root>/auth.json` or a Docker-style config named by --authfile.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openImageStore } from '../../src/engine/image/index.js';
import { login, logout } from '../../src/engine/registry/index.js';
import { makeEngineFixture, runSkiff, type EngineFixture } from './engine-run-fixture.js';
import { startRegistry, startTokenServer, type RegistryProcess, type TokenServer } from './registry-fixture.js';

const authEntry = (user: string, password: string): { auth: string } => ({ auth: Buffer.from(`${user}:${password}`).toString('base64') });

describe('registry: basic auth (htpasswd)', () => {
  let fx: EngineFixture;
  let registry: RegistryProcess;
  before(async () => {
    fx = await makeEngineFixture('registry-basic');
    registry = await startRegistry({ auth: { kind: 'htpasswd', users: { alice: 's3cret:with:colons' } } });
  });
  after(async () => {
    await registry?.stop();
    await fx?.cleanup();
  });

  it('refuses anonymous and wrong credentials, accepts --creds and auth.json', async () => {
    const dest = `${registry.host}/private/busybox:1`;
    const anonymous = await fx.skiff(['push', '-q', 'busybox', dest]);
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stderr, /authentication required/);

    const wrong = await fx.skiff(['push', '-q', '--creds', 'alice:nope', 'busybox', dest]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /authentication required/);

    const push = await fx.skiff(['push', '--creds', 'alice:s3cret:with:colons', 'busybox', dest]);
    assert.equal(push.code, 0, push.stderr);

    const root = join(fx.dir, 'pulled');
    const anonPull = await runSkiff(root, ['pull', dest]);
    assert.equal(anonPull.code, 1, 'the registry refuses anonymous reads too');
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'auth.json'), JSON.stringify({ auths: { [`http://${registry.host}`]: authEntry('alice', 's3cret:with:colons') } }));
    const pull = await runSkiff(root, ['pull', dest]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal((await openImageStore(root).resolve(dest)).manifestDigest, (await openImageStore(fx.root).resolve('busybox')).manifestDigest);
  });

  it('login saves credentials only once the registry accepts them; logout forgets them', async () => {
    const dest = `${registry.host}/private/login:1`;
    assert.equal((await fx.skiff(['push', '-q', '--creds', 'alice:s3cret:with:colons', 'busybox', dest])).code, 0);
    const root = join(fx.dir, 'login-root');
    await assert.rejects(login(root, registry.host, { username: 'alice', password: 'wrong' }), /logging in to 127\.0\.0\.1:\d+: unauthorized|authentication required/);
    await login(root, registry.host, { username: 'alice', password: 's3cret:with:colons' });
    const file = join(root, 'auth.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { auths: { [registry.host]: authEntry('alice', 's3cret:with:colons') } });
    assert.equal((await runSkiff(root, ['pull', '-q', dest])).code, 0, 'pull finds the saved credentials');
    assert.equal(await logout(root, registry.host), true);
    assert.equal(await logout(root, registry.host), false);
    assert.equal((await runSkiff(root, ['pull', '-q', dest])).code, 1);
  });
});

describe('registry: bearer token auth', () => {
  let fx: EngineFixture;
  let tokens: TokenServer;
  let registry: RegistryProcess;
  before(async () => {
    fx = await makeEngineFixture('registry-token');
    tokens = await startTokenServer({ bob: 'hunter2' });
    registry = await startRegistry({ auth: { kind: 'token', realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, certPem: tokens.certPem } });
  });
  after(async () => {
    await registry?.stop();
    await tokens?.stop();
    await fx?.cleanup();
  });

  it('fetches scoped tokens with basic credentials and uses them for push, pull and mounts', async () => {
    const dest = `${registry.host}/secure/busybox:1`;
    const anonymous = await fx.skiff(['push', '-q', 'busybox', dest]);
    assert.equal(anonymous.code, 1);
    assert.match(anonymous.stderr, /requesting bearer token from http:\/\/127\.0\.0\.1:\d+\/token: invalid username\/password/);

    const push = await fx.skiff(['push', '--creds', 'bob:hunter2', 'busybox', dest]);
    assert.equal(push.code, 0, push.stderr);
    assert.ok(tokens.requests.some((r) => r.user === 'bob' && r.scopes.includes('repository:secure/busybox:pull,push')), JSON.stringify(tokens.requests));

    // Credentials from a Docker-style config file named by --authfile.
    const authfile = join(fx.dir, 'docker-config.json');
    await writeFile(authfile, JSON.stringify({ auths: { [registry.host]: authEntry('bob', 'hunter2') } }));
    const root = join(fx.dir, 'pulled');
    const pull = await runSkiff(root, ['pull', '--authfile', authfile, dest]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal((await openImageStore(root).resolve(dest)).manifestDigest, (await openImageStore(fx.root).resolve('busybox')).manifestDigest);
    assert.ok(tokens.requests.some((r) => r.user === 'bob' && r.scopes.length === 1 && r.scopes[0] === 'repository:secure/busybox:pull'), 'a pull asks for pull only');

    // A mount needs pull on the source repository as well: it is asked for in the same token.
    const other = `${registry.host}/secure/other:1`;
    const mount = await runSkiff(root, ['push', '--authfile', authfile, dest, other]);
    assert.equal(mount.code, 0, mount.stderr);
    assert.match(mount.stderr, /mounted from secure\/busybox/);
    assert.ok(tokens.requests.some((r) => r.scopes.includes('repository:secure/other:pull,push') && r.scopes.includes('repository:secure/busybox:pull')), JSON.stringify(tokens.requests));
  });

  it('login checks the credentials with the token server', async () => {
    const root = join(fx.dir, 'login-root');
    await assert.rejects(login(root, registry.host, { username: 'bob', password: 'wrong' }), /invalid username\/password/);
    const before = tokens.requests.length;
    await login(root, registry.host, { username: 'bob', password: 'hunter2' });
    assert.deepEqual(tokens.requests.slice(before), [{ user: 'bob', scopes: [] }], 'a token without scopes, as docker login asks');
    assert.ok((await readFile(join(root, 'auth.json'), 'utf8')).includes(registry.host));
  });
});
