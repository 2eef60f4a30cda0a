/**
 * `--dry-run=none|client|server` as kubectl's write verbs take it: client skips the write,
 * server sends it with `dryRun=All`; either adds a suffix to the message printed.
 */
import { flagString } from './args.js';
import type { Factory } from './factory.js';

export type DryRun = 'none' | 'client' | 'server';

export function dryRunMode(f: Factory): DryRun {
  const v = flagString(f.args, 'dry-run');
  if (v === undefined || v === 'none') return 'none';
  if (v === 'client' || v === 'server') return v;
  throw new Error(`Invalid dry-run value (${v}). Must be "none", "server", or "client".`);
}

export function dryRunSuffix(mode: DryRun): string {
  return mode === 'client' ? ' (dry run)' : mode === 'server' ? ' (server dry run)' : '';
}

/** The query for a write: adds dryRun=All in server mode. */
export function dryRunQuery(mode: DryRun, query: Record<string, string> = {}): Record<string, string> {
  return mode === 'server' ? { ...query, dryRun: 'All' } : query;
}
