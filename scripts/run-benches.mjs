#!/usr/bin/env node
// `npm run bench`: runs every `bench:NAME` benchmark named in package.json, one after the
// other (each is dist/bench/NAME.js and prints one JSON line last). Exit 1 if any failed.
import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts ?? {};
const names = Object.keys(scripts).filter((k) => k.startsWith('bench:')).map((k) => k.slice('bench:'.length)).sort();
let failed = 0;
for (const name of names) {
  const file = `dist/bench/${name}.js`;
  if (!existsSync(file)) { console.error(`bench ${name}: ${file} missing (not built?)`); failed++; continue; }
  console.log(`\n== bench:${name}`);
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (r.status !== 0) { console.error(`bench ${name} failed (exit ${r.status})`); failed++; }
}
process.exit(failed ? 1 : 0);
