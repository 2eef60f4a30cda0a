/** What the agent remembers about each pod it runs (rebuilt from the engine after a restart). */
import type { ContainerRecord } from '../engine/runtime/index.js';
import type { ContainerStateView } from './pod-types.js';
import type { SandboxRecord } from './sandbox.js';

export interface TrackedContainer {
  name: string;
  /** The current engine container, if one was created. */
  id?: string;
  /** The one before it, kept for `logs --previous`. */
  previousId?: string;
  /** restartCount: containers started after the first. */
  attempt: number;
  /** Delay before the next restart after a crash (0: restart at once). */
  backoffSeconds: number;
  backoffUntil: number;
  /** The delay shown in the CrashLoopBackOff message. */
  waitingBackoff?: number;
  /** The engine container whose exit was already handled (back-off computed). */
  handledExitOf?: string;
  waiting?: { reason: string; message?: string };
  image: string;
  imageID: string;
  lastTerminated?: ContainerStateView['terminated'];
  /** Probe results: undefined until the first probe. */
  ready?: boolean;
  started?: boolean;
  /** Earliest time to retry a failed image pull or create. */
  retryAt: number;
  retrySeconds: number;
}

export interface TrackedPod {
  uid: string;
  namespace: string;
  name: string;
  sandbox?: SandboxRecord;
  volumes?: Map<string, string>;
  /** When configMap/secret volumes were last re-written. */
  volumesRefreshedAt?: number;
  containers: Map<string, TrackedContainer>;
  startTime: string;
  lastStatus: string;
  /** Set once deletion began: later syncs wait for it. */
  terminating?: Promise<void>;
}

export function containerID(id: string): string {
  return `skiff://${id}`;
}

/** The Kubernetes view of an engine container's state. */
export function stateOf(rec: ContainerRecord): ContainerStateView {
  const s = rec.state;
  if (s.status === 'running') return { running: { startedAt: trimTime(s.startedAt ?? rec.created) } };
  if (s.status === 'exited') {
    const reason = s.oomKilled ? 'OOMKilled' : s.exitCode === 0 ? 'Completed' : 'Error';
    return {
      terminated: {
        exitCode: s.exitCode, reason,
        ...(s.error ? { message: s.error } : {}),
        startedAt: trimTime(s.startedAt ?? rec.created), finishedAt: trimTime(s.finishedAt ?? s.startedAt ?? rec.created), containerID: containerID(rec.id),
      },
    };
  }
  return { waiting: { reason: 'ContainerCreating' } };
}

export function trimTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
