/**
 * Events controllers write for users to read in `kubectl describe` (SuccessfulCreate,
 * ScalingReplicaSet, ...), as core/v1 Events. Recording never blocks or fails a sync: events
 * go through a bounded buffer sent by a couple of workers, and when the API falls behind the
 * oldest unsent ones are dropped (counted), as upstream's broadcaster does. As upstream's
 * spam filter (EventSourceObjectSpamFilter), each (object, type, reason) may burst 25 events,
 * then one per 5 minutes: a ReplicaSet creating 100 pods records 25 SuccessfulCreate, not 100.
 *
 * Lifecycle: stop() drops what is unsent and ends the workers; it is idempotent.
 */
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../../api/types.js';
import type { RestClient } from '../../client/index.js';
import { ResourceClient } from '../../client/typed/index.js';
import { gvr } from './resources.js';
import { SpamFilter } from './spam-filter.js';

export interface Recorder {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

const stamp = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class EventRecorder implements Recorder {
  private readonly client: ResourceClient;
  private readonly buffer: KubeObject[] = [];
  private active = 0;
  private stopped = false;
  private readonly spam = new SpamFilter();
  dropped = 0;
  /** Events the spam filter held back. */
  filtered = 0;

  /** `kind` fills involvedObject for objects from lists, which carry no kind of their own. */
  constructor(rest: RestClient, private readonly o: { component: string; kind?: { apiVersion: string; kind: string }; now: () => Date; onError?: (err: unknown) => void; capacity?: number; workers?: number }) {
    this.client = new ResourceClient(rest, gvr.events);
  }

  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (this.stopped) return;
    const meta = obj.metadata ?? {};
    const namespace = meta.namespace ?? 'default';
    const now = this.o.now();
    if (!this.spam.allow(`${meta.namespace ?? ''}/${meta.name ?? ''}/${meta.uid ?? ''}/${type}/${reason}`, now.getTime())) {
      this.filtered++;
      return;
    }
    const at = stamp(now);
    const ev: KubeObject = {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name: `${meta.name ?? 'object'}.${randomBytes(8).toString('hex')}`, namespace },
      involvedObject: { apiVersion: obj.apiVersion ?? this.o.kind?.apiVersion, kind: obj.kind ?? this.o.kind?.kind, namespace: meta.namespace, name: meta.name, uid: meta.uid, resourceVersion: meta.resourceVersion },
      type, reason, message, count: 1, firstTimestamp: at, lastTimestamp: at,
      source: { component: this.o.component }, reportingComponent: this.o.component, reportingInstance: '',
    };
    if (this.buffer.length >= (this.o.capacity ?? 1000)) {
      this.buffer.shift();
      this.dropped++;
    }
    this.buffer.push(ev);
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.active < (this.o.workers ?? 2) && this.buffer.length > 0) {
      const ev = this.buffer.shift() as KubeObject;
      this.active++;
      this.client.create(ev.metadata?.namespace, ev)
        .catch((err: unknown) => this.o.onError?.(err))
        .finally(() => { this.active--; this.pump(); });
    }
  }

  stop(): void {
    this.stopped = true;
    this.buffer.length = 0;
  }
}

/** A recorder that drops everything (unit tests of pure logic). */
export const noEvents: Recorder = { event: () => undefined };
