/**
 * The scheduling queue (upstream PriorityQueue): pods wait in one of three places.
 * - activeQ: ready to schedule, ordered by the profile's QueueSort plugin;
 * - backoffQ: failed recently; they return to activeQ when their backoff (1 s doubling
 *   to 10 s by default) ends;
 * - unschedulable: did not fit; they stay until a cluster event that one of the plugins
 *   that rejected them cares about (a node added, a pod deleted, ...) moves them back, or
 *   until they have waited 5 minutes. No busy loop.
 * If such an event arrives while a pod is being scheduled, its failure sends it to
 * backoffQ instead, so the event is not lost. One timer (the earliest backoff expiry) and
 * one periodic flush belong to the queue; close() clears them and wakes pop() with undefined.
 */
import { Heap } from './heap.js';
import type { ClusterEvent, QueuedPodInfo } from '../framework/types.js';
import type { PodInfo } from '../framework/node-info.js';

export interface QueueOptions {
  readonly less: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean;
  /** Which plugins care about an event. */
  readonly pluginsFor: (event: ClusterEvent) => ReadonlySet<string>;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly maxUnschedulableMs?: number;
  readonly now?: () => number;
}

const keyOf = (q: QueuedPodInfo): string => q.podInfo.key;

export class SchedulingQueue {
  private readonly active: Heap<QueuedPodInfo>;
  private readonly backoff: Heap<QueuedPodInfo>;
  readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly inFlight = new Set<string>();
  private waiter: ((q: QueuedPodInfo | undefined) => void) | undefined;
  private backoffTimer: NodeJS.Timeout | undefined;
  private readonly flushTimer: NodeJS.Timeout;
  private closed = false;
  /** Counts scheduling attempts; a move during a pod's attempt is remembered by cycle number. */
  schedulingCycle = 0;
  private moveRequestCycle = -1;
  private readonly now: () => number;

  constructor(private readonly o: QueueOptions) {
    this.now = o.now ?? Date.now;
    this.active = new Heap(keyOf, o.less);
    this.backoff = new Heap(keyOf, (a, b) => this.backoffExpiry(a) < this.backoffExpiry(b));
    this.flushTimer = setInterval(() => this.flushLongUnschedulable(), 30_000);
  }

  get lengths(): { active: number; backoff: number; unschedulable: number } {
    return { active: this.active.size, backoff: this.backoff.size, unschedulable: this.unschedulable.size };
  }

  has(key: string): boolean {
    return this.active.has(key) || this.backoff.has(key) || this.unschedulable.has(key) || this.inFlight.has(key);
  }

  backoffExpiry(q: QueuedPodInfo): number {
    const initial = this.o.initialBackoffMs ?? 1000;
    const max = this.o.maxBackoffMs ?? 10_000;
    const d = Math.min(initial * 2 ** Math.max(0, q.attempts - 1), max);
    return q.timestamp + d;
  }

  /** A new pending pod. */
  add(podInfo: PodInfo): void {
    if (this.closed) return;
    const now = this.now();
    this.unschedulable.delete(podInfo.key);
    this.backoff.delete(podInfo.key);
    this.pushActive({ podInfo, timestamp: now, initialAttemptTimestamp: now, attempts: 0, unschedulablePlugins: new Set() });
  }

  /** A pending pod changed: a changed pod gets another chance right away. */
  update(podInfo: PodInfo): void {
    const key = podInfo.key;
    for (const where of [this.active, this.backoff]) {
      const q = where.get(key);
      if (q) { where.push({ ...q, podInfo }); return; }
    }
    const q = this.unschedulable.get(key);
    if (q) {
      this.unschedulable.delete(key);
      const moved = { ...q, podInfo };
      if (this.backoffExpiry(moved) > this.now()) this.pushBackoff(moved);
      else this.pushActive(moved);
      return;
    }
    if (!this.inFlight.has(key)) this.add(podInfo);
  }

  delete(key: string): void {
    this.active.delete(key);
    this.backoff.delete(key);
    this.unschedulable.delete(key);
  }

  /** The next pod to schedule; waits when activeQ is empty; undefined once closed. */
  pop(): Promise<QueuedPodInfo | undefined> {
    const q = this.take();
    if (q || this.closed) return Promise.resolve(q);
    return new Promise((resolve) => { this.waiter = resolve; });
  }

  private take(): QueuedPodInfo | undefined {
    const q = this.active.pop();
    if (!q) return undefined;
    q.attempts++;
    this.schedulingCycle++;
    this.inFlight.add(q.podInfo.key);
    return q;
  }

  /** The attempt for this pod ended (bound, or handed back below). */
  done(key: string): void {
    this.inFlight.delete(key);
  }

  /**
   * A pod that failed to schedule in `cycle`. An error (not a rejection) or a move request
   * during its attempt sends it to backoffQ; otherwise it waits in unschedulable.
   */
  requeueFailed(q: QueuedPodInfo, cycle: number, opts: { error: boolean }): void {
    this.inFlight.delete(q.podInfo.key);
    if (this.closed || this.active.has(q.podInfo.key)) return;
    q.timestamp = this.now();
    if (opts.error || this.moveRequestCycle >= cycle) this.pushBackoff(q);
    else this.unschedulable.set(q.podInfo.key, q);
  }

  /** A cluster event: moves the unschedulable pods it could help. */
  onEvent(event: ClusterEvent): void {
    this.moveRequestCycle = this.schedulingCycle;
    if (this.unschedulable.size === 0) return;
    const interested = this.o.pluginsFor(event);
    const now = this.now();
    for (const [key, q] of this.unschedulable) {
      let helps = q.unschedulablePlugins.size === 0;
      for (const p of q.unschedulablePlugins) if (interested.has(p)) { helps = true; break; }
      if (!helps) continue;
      this.unschedulable.delete(key);
      if (this.backoffExpiry(q) > now) this.pushBackoff(q);
      else this.pushActive(q);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.flushTimer);
    if (this.backoffTimer) clearTimeout(this.backoffTimer);
    const w = this.waiter;
    this.waiter = undefined;
    w?.(undefined);
  }

  private pushActive(q: QueuedPodInfo): void {
    this.active.push(q);
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w(this.take());
    }
  }

  private pushBackoff(q: QueuedPodInfo): void {
    this.backoff.push(q);
    this.armBackoffTimer();
  }

  private armBackoffTimer(): void {
    const head = this.backoff.peek();
    if (this.backoffTimer) clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
    if (!head || this.closed) return;
    const wait = Math.max(0, this.backoffExpiry(head) - this.now());
    this.backoffTimer = setTimeout(() => this.flushBackoff(), wait);
  }

  private flushBackoff(): void {
    this.backoffTimer = undefined;
    const now = this.now();
    for (let head = this.backoff.peek(); head && this.backoffExpiry(head) <= now; head = this.backoff.peek()) {
      this.backoff.pop();
      this.pushActive(head);
    }
    this.armBackoffTimer();
  }

  /** Pods unschedulable for longer than the limit get retried anyway (upstream: 5 minutes). */
  flushLongUnschedulable(): void {
    const limit = this.o.maxUnschedulableMs ?? 5 * 60_000;
    const now = this.now();
    for (const [key, q] of this.unschedulable) {
      if (now - q.timestamp < limit) continue;
      this.unschedulable.delete(key);
      this.pushActive(q);
    }
  }
}
