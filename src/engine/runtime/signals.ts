/** Signal names and numbers as `kill -s` and Docker's StopSignal accept them (KILL, SIGKILL, 9). */
import { constants } from 'node:os';

export function signalNumber(signal: string): number {
  const upper = signal.toUpperCase();
  if (/^\d+$/.test(upper)) return Number(upper);
  const name = (upper.startsWith('SIG') ? upper : `SIG${upper}`) as keyof typeof constants.signals;
  const n = constants.signals[name];
  if (n === undefined) throw new Error(`invalid signal: ${signal}`);
  return n;
}

/** The `SIGNAME` form runc accepts. */
export function normalizeSignal(signal: string): string {
  const n = signalNumber(signal);
  const entry = Object.entries(constants.signals).find(([, v]) => v === n);
  return entry ? entry[0] : String(n);
}
