/**
 * Events the scheduler writes (Scheduled, FailedScheduling, Preempted), as core/v1 Events
 * so `kubectl describe pod` and `kubectl get events` show them. Repeats of the same event
 * for the same pod within 10 minutes bump `count` on the existing Event, as upstream's
 * correlator does. Writes go through a bounded buffer: when the API is slower than the
 * scheduler, the oldest unsent events are dropped (and counted) rather than slowing
 * scheduling, as upstream's broadcaster does. Warnings go first; Normal events wait while
 * `busy()` says the scheduler has work (they are the first thing to drop under load).
 * stop() ends the workers; it is idempotent.
 */
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../api/types.js';
import type { ResourceClient } from '../client/typed/index.js';

export interface EventSpec {
  readonly regarding: KubeObject;
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

interface Sent { name: string; namespace: string; count: number; at: number }

export class EventRecorder {
  private readonly warnings: EventSpec[] = [];
  private readonly normal: EventSpec[] = [];
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly recent = new Map<string, Sent>();
  private active = 0;
  private stopped = false;
  dropped = 0;
  sent = 0;

  constructor(
    private readonly events: ResourceClient,
    private readonly o: { component: string; capacity?: number; workers?: number; busy?: () => boolean; onError?: (err: unknown) => void; now?: () => Date },
  ) {}

  record(e: EventSpec): void {
    if (this.stopped) return;
    const buffer = e.type === 'Warning' ? this.warnings : this.normal;
    if (buffer.length >= (this.o.capacity ?? 1000)) {
      buffer.shift();
      this.dropped++;
    }
    buffer.push(e);
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    this.warnings.length = 0;
    this.normal.length = 0;
    if (this.idleTimer) clearTimeout(this.idleTimer);
  }

  private pump(): void {
    while (!this.stopped && this.active < (this.o.workers ?? 4)) {
      let e = this.warnings.shift();
      if (!e && this.normal.length) {
        if (this.o.busy?.()) {
          // Check again shortly; a busy scheduler keeps its API budget for bindings.
          this.idleTimer ??= setTimeout(() => { this.idleTimer = undefined; this.pump(); }, 50);
          return;
        }
        e = this.normal.shift();
      }
      if (!e) return;
      this.active++;
      this.write(e).catch((err: unknown) => this.o.onError?.(err)).finally(() => {
        this.active--;
        this.pump();
      });
    }
  }

  private async write(e: EventSpec): Promise<void> {
    const now = (this.o.now ?? (() => new Date()))();
    const ts = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const meta = e.regarding.metadata ?? {};
    const namespace = meta.namespace ?? 'default';
    const key = `${meta.uid ?? ''}/${e.reason}/${e.message}`;
    const prev = this.recent.get(key);
    if (prev && now.getTime() - prev.at < 10 * 60_000) {
      prev.count++;
      prev.at = now.getTime();
      await this.events.patch(prev.namespace, prev.name, 'merge', { count: prev.count, lastTimestamp: ts });
      this.sent++;
      return;
    }
    if (this.recent.size > 10_000) this.recent.clear();
    const name = `${meta.name ?? 'unknown'}.${randomBytes(8).toString('hex')}`;
    await this.events.create(namespace, {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace },
      involvedObject: { kind: e.regarding.kind ?? 'Pod', apiVersion: e.regarding.apiVersion ?? 'v1', namespace, name: meta.name, uid: meta.uid, resourceVersion: meta.resourceVersion },
      type: e.type, reason: e.reason, message: e.message,
      source: { component: this.o.component }, reportingComponent: this.o.component, reportingInstance: this.o.component,
      firstTimestamp: ts, lastTimestamp: ts, count: 1,
    } as KubeObject);
    this.recent.set(key, { name, namespace, count: 1, at: now.getTime() });
    this.sent++;
  }
}
