#!/usr/bin/env node
// Runs every benchmark in dist/bench/ one after the other; each prints one JSON line last.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
let failed = 0;
for (const f of readdirSync('dist/bench').filter((n) => n.endsWith('.js') && !n.startsWith('_')).sort()) {
  const r = spawnSync(process.execPath, [`dist/bench/${f}`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
