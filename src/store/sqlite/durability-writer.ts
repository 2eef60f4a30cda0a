/**
 * Child process of durability.test.ts: creates keys in a loop on the store at argv[2] and
 * prints each key on stdout only after its create resolved (was acknowledged), until killed.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from './sqlite-store.js';

export function durabilityValue(key: string): string {
  return JSON.stringify({ key, payload: 'x'.repeat(200) });
}

async function main(): Promise<void> {
  const path = process.argv[2];
  if (!path) throw new Error('usage: durability-writer.js DB_PATH');
  const store = await openSqliteStore(path);
  for (let i = 0; ; i++) {
    const key = `/durability/${String(i).padStart(8, '0')}`;
    const result = await store.create(key, durabilityValue(key));
    if (!result.ok) throw new Error(`create ${key}: ${result.reason}`);
    process.stdout.write(`${key}\n`);
  }
}

// Only run when executed, not when the test imports durabilityValue.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
