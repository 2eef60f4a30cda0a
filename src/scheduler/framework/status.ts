/**
 * Outcomes of plugins as values (upstream framework.Status): undefined is success; a Status
 * carries a code from a closed set, the reasons users read, and the plugin that said so.
 */
export type Code = 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Wait' | 'Skip' | 'Pending';

export interface Status {
  readonly code: Code;
  readonly reasons: readonly string[];
  /** Set by the framework: the plugin that returned it. */
  plugin?: string;
}

export type Result = Status | undefined;

export function unschedulable(...reasons: string[]): Status {
  return { code: 'Unschedulable', reasons };
}

export function unresolvable(...reasons: string[]): Status {
  return { code: 'UnschedulableAndUnresolvable', reasons };
}

export function errorStatus(err: unknown): Status {
  return { code: 'Error', reasons: [err instanceof Error ? err.message : String(err)] };
}

export const skip: Status = { code: 'Skip', reasons: [] };

export function isRejection(s: Result): boolean {
  return s !== undefined && (s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable');
}
