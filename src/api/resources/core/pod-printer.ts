/**
 * The pods table as upstream's printPod computes it: READY counts, the STATUS reason
 * (init progress, waiting/terminated reasons, Terminating), and RESTARTS with the age of
 * the last restart.
 */
import type { KubeObject, StrategyContext, TableColumn } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, createdAt, nameColumn, nameOf, wide } from '../../meta/columns.js';
import { boolAt, numberAt, recordAt, recordsAt, stringAt, type JsonRecord } from '../../meta/json.js';

export const podColumns: readonly TableColumn[] = [
  nameColumn,
  column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
  column('Status', 'The aggregate status of the containers in this pod.'),
  column('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  ageColumn,
  wide('IP', 'The IP address assigned to the pod.'),
  wide('Node', 'The name of the node the pod is assigned to.'),
  wide('Nominated Node', 'The name of the node where the pod is nominated to run, if any.'),
  wide('Readiness Gates', 'The readiness gates of this pod, and how many of them are satisfied.'),
];

function isRestartableInit(c: JsonRecord | undefined): boolean {
  return stringAt(c, 'restartPolicy') === 'Always';
}

function hasCondition(status: unknown, type: string): boolean {
  return recordsAt(status, 'conditions').some((c) => stringAt(c, 'type') === type && stringAt(c, 'status') === 'True');
}

/** Later of two RFC 3339 timestamps (undefined counts as the zero time). */
function later(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

function lastTerminatedAt(cs: JsonRecord): string | undefined {
  return stringAt(recordAt(recordAt(cs, 'lastState'), 'terminated'), 'finishedAt');
}

function terminatedReason(term: JsonRecord, prefix: string): string {
  const reason = stringAt(term, 'reason');
  if (reason) return prefix + reason;
  const signal = numberAt(term, 'signal') ?? 0;
  if (signal !== 0) return `${prefix}Signal:${signal}`;
  return `${prefix}ExitCode:${numberAt(term, 'exitCode') ?? 0}`;
}

interface PodSummary { ready: number; total: number; reason: string; restarts: number; lastRestart: string | undefined }

export function summarizePod(pod: KubeObject): PodSummary {
  const spec = recordAt(pod, 'spec');
  const status = recordAt(pod, 'status');
  const phase = stringAt(status, 'phase') ?? '';
  let reason = stringAt(status, 'reason') || phase;
  if (recordsAt(status, 'conditions').some((c) => stringAt(c, 'type') === 'PodScheduled' && stringAt(c, 'reason') === 'SchedulingGated')) {
    reason = 'SchedulingGated';
  }
  const initSpecs = new Map<string, JsonRecord>();
  let total = recordsAt(spec, 'containers').length;
  for (const c of recordsAt(spec, 'initContainers')) {
    initSpecs.set(stringAt(c, 'name') ?? '', c);
    if (isRestartableInit(c)) total++;
  }
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: string | undefined;
  let lastSidecarRestart: string | undefined;
  let initializing = false;
  const initStatuses = recordsAt(status, 'initContainerStatuses');
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i] as JsonRecord;
    const count = numberAt(cs, 'restartCount') ?? 0;
    restarts += count;
    lastRestart = later(lastRestart, lastTerminatedAt(cs));
    const sidecar = isRestartableInit(initSpecs.get(stringAt(cs, 'name') ?? ''));
    if (sidecar) {
      sidecarRestarts += count;
      lastSidecarRestart = later(lastSidecarRestart, lastTerminatedAt(cs));
    }
    const state = recordAt(cs, 'state');
    const term = recordAt(state, 'terminated');
    const waiting = recordAt(state, 'waiting');
    if (term && (numberAt(term, 'exitCode') ?? 0) === 0) continue;
    if (sidecar && boolAt(cs, 'started') === true) {
      if (boolAt(cs, 'ready') === true) ready++;
      continue;
    }
    if (term) reason = terminatedReason(term, 'Init:');
    else if (waiting && stringAt(waiting, 'reason') && stringAt(waiting, 'reason') !== 'PodInitializing') reason = `Init:${stringAt(waiting, 'reason') ?? ''}`;
    else reason = `Init:${i}/${recordsAt(spec, 'initContainers').length}`;
    initializing = true;
    break;
  }
  if (!initializing || hasCondition(status, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = recordsAt(status, 'containerStatuses');
    // Walk backwards so the first container's state wins, as upstream does.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i] as JsonRecord;
      restarts += numberAt(cs, 'restartCount') ?? 0;
      lastRestart = later(lastRestart, lastTerminatedAt(cs));
      const state = recordAt(cs, 'state');
      const waiting = recordAt(state, 'waiting');
      const term = recordAt(state, 'terminated');
      if (waiting && stringAt(waiting, 'reason')) reason = stringAt(waiting, 'reason') ?? reason;
      else if (term) reason = terminatedReason(term, '');
      else if (boolAt(cs, 'ready') === true && recordAt(state, 'running')) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = hasCondition(status, 'Ready') ? 'Running' : 'NotReady';
  }
  if (pod.metadata?.deletionTimestamp) {
    if (stringAt(status, 'reason') === 'NodeLost') reason = 'Unknown';
    else if (phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  }
  return { ready, total, reason, restarts, lastRestart };
}

export function podRow(pod: KubeObject, ctx: StrategyContext): unknown[] {
  const s = summarizePod(pod);
  const restarts = s.restarts !== 0 && s.lastRestart ? `${s.restarts} (${ageOf(s.lastRestart, ctx.now)} ago)` : String(s.restarts);
  const spec = recordAt(pod, 'spec');
  const status = recordAt(pod, 'status');
  const podIP = stringAt(recordsAt(status, 'podIPs')[0], 'ip') || stringAt(status, 'podIP') || '<none>';
  const gates = recordsAt(spec, 'readinessGates');
  let readinessGates = '<none>';
  if (gates.length > 0) {
    const conditions = recordsAt(status, 'conditions');
    const satisfied = gates.filter((g) => conditions.find((c) => stringAt(c, 'type') === stringAt(g, 'conditionType'))?.['status'] === 'True').length;
    readinessGates = `${satisfied}/${gates.length}`;
  }
  return [
    nameOf(pod), `${s.ready}/${s.total}`, s.reason, restarts, ageOf(createdAt(pod), ctx.now),
    podIP, stringAt(spec, 'nodeName') || '<none>', stringAt(status, 'nominatedNodeName') || '<none>', readinessGates,
  ];
}
