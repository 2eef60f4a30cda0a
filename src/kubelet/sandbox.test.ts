import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sandboxes } from './sandbox.js';

test('sandbox records: kept in the run folder; one an older skiff kept in the state folder is still found and removed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-sandbox-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const stateDir = join(dir, 'state');
  const runDir = join(dir, 'run');
  const sandboxes = new Sandboxes(stateDir, () => '10.42.0.0/24', '192.0.2.1', runDir, '10.42.0.0/16');
  // hostNetwork: no namespace and no plugin, only the record.
  const made = await sandboxes.setUp('uid-new', true, []);
  assert.equal(made.ip, '192.0.2.1');
  assert.ok(existsSync(join(runDir, 'sandboxes', 'uid-new.json')));
  assert.ok(!existsSync(join(stateDir, 'sandboxes', 'uid-new.json')));
  mkdirSync(join(stateDir, 'sandboxes'), { recursive: true });
  writeFileSync(join(stateDir, 'sandboxes', 'uid-old.json'), JSON.stringify({ podUid: 'uid-old', hostNetwork: true, ip: '192.0.2.1', portMappings: [] }));
  assert.equal((await sandboxes.read('uid-old'))?.podUid, 'uid-old');
  await sandboxes.tearDown('uid-old');
  await sandboxes.tearDown('uid-new');
  assert.equal(await sandboxes.read('uid-old'), undefined);
  assert.equal(await sandboxes.read('uid-new'), undefined);
  assert.ok(!existsSync(join(stateDir, 'sandboxes', 'uid-old.json')));
});
