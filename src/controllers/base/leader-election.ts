/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection: the
 * holder renews spec.renewTime every retry period; another candidate takes over once
 * renewTime + leaseDurationSeconds has passed. Every write carries the resourceVersion it
 * read, so two candidates never both win.
 *
 * Lifecycle: run() resolves once this process leads and keeps renewing; onLost is called if
 * a renewal fails past the lease duration. stop() ends renewing and releases the lease (so a
 * restarted manager takes over at once) and is idempotent.
 */
import type { KubeObject } from '../../api/types.js';
import { isNotFound, StatusError } from '../../client/index.js';
import { ResourceClient } from '../../client/typed/index.js';
import type { ControllerContext } from './controller.js';
import { gvr } from './resources.js';

interface Lease extends KubeObject {
  spec?: { holderIdentity?: string | null; leaseDurationSeconds?: number; acquireTime?: string | null; renewTime?: string | null; leaseTransitions?: number };
}

export interface LeaderElectionOptions {
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly leaseDurationSeconds?: number;
  readonly retryPeriodMs?: number;
  readonly onLost?: () => void;
}

/** RFC 3339 with microseconds, as metav1.MicroTime. */
function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  private readonly client: ResourceClient<Lease>;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private leading = false;
  private lastRenew = 0;
  private wake: (() => void) | undefined;

  constructor(private readonly ctx: Pick<ControllerContext, 'rest' | 'now' | 'log'>, private readonly o: LeaderElectionOptions) {
    this.client = new ResourceClient<Lease>(ctx.rest, gvr.leases);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  private get durationMs(): number {
    return (this.o.leaseDurationSeconds ?? 15) * 1000;
  }

  /** Resolves true once leading, false if stopped first. */
  async run(): Promise<boolean> {
    while (!this.stopped) {
      if (await this.tryAcquireOrRenew()) {
        this.leading = true;
        this.lastRenew = this.ctx.now().getTime();
        this.scheduleRenew();
        return true;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, this.o.retryPeriodMs ?? 2000);
      });
    }
    return false;
  }

  private scheduleRenew(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.tryAcquireOrRenew().then((ok) => {
        const now = this.ctx.now().getTime();
        if (ok) this.lastRenew = now;
        else if (now - this.lastRenew > this.durationMs && this.leading) {
          this.leading = false;
          this.ctx.log('leader election: lost the lease');
          this.o.onLost?.();
          return;
        }
        this.scheduleRenew();
      });
    }, this.o.retryPeriodMs ?? 2000);
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.ctx.now();
    const spec = { holderIdentity: this.o.identity, leaseDurationSeconds: this.o.leaseDurationSeconds ?? 15, renewTime: microTime(now) };
    try {
      let current: Lease;
      try {
        current = await this.client.get(this.o.namespace, this.o.name);
      } catch (err: unknown) {
        if (!isNotFound(err)) throw err;
        await this.client.create(this.o.namespace, {
          apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.o.name, namespace: this.o.namespace },
          spec: { ...spec, acquireTime: microTime(now), leaseTransitions: 0 },
        });
        return true;
      }
      const held = current.spec ?? {};
      const mine = held.holderIdentity === this.o.identity;
      const renewedAt = held.renewTime ? Date.parse(held.renewTime) : 0;
      const expired = !held.holderIdentity || renewedAt + (held.leaseDurationSeconds ?? 15) * 1000 < now.getTime();
      if (!mine && !expired) return false;
      const next: Lease = {
        ...current,
        spec: {
          ...held, ...spec,
          acquireTime: mine ? (held.acquireTime ?? microTime(now)) : microTime(now),
          leaseTransitions: (held.leaseTransitions ?? 0) + (mine ? 0 : 1),
        },
      };
      await this.client.update(next);
      return true;
    } catch (err: unknown) {
      // A conflict means another candidate wrote first: not leading this round.
      if (!(err instanceof StatusError && err.code === 409)) this.ctx.log('leader election: lease update failed', { err: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    if (!this.leading) return;
    this.leading = false;
    try {
      const current = await this.client.get(this.o.namespace, this.o.name);
      if (current.spec?.holderIdentity !== this.o.identity) return;
      await this.client.update({ ...current, spec: { ...current.spec, holderIdentity: null, leaseDurationSeconds: 1, renewTime: microTime(this.ctx.now()) } });
    } catch (err: unknown) {
      this.ctx.log('leader election: release failed', { err: err instanceof Error ? err.message : String(err) });
    }
  }
}
