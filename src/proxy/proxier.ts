/**
 * The service proxy loop: any change to Services or EndpointSlices marks the rules dirty;
 * syncs run at most once per minSyncIntervalMs (bursts of changes collapse into one
 * `nft -f` transaction, as kube-proxy's bounded-frequency runner) and never overlap.
 * Network programming latency (first unsynced change -> rules applied) is measured.
 *
 * Lifecycle: start() once; stop() is idempotent and, with removeRules, deletes the table.
 */
import { Histogram, type Registry } from 'prom-client';
import { servicePortEntries } from './model.js';
import { applyRuleset, type NftTarget } from './nft.js';
import { deleteTableText, renderRuleset, type RenderState, type RulesetOptions } from './ruleset.js';
import { podGatewayAddress } from './pod-gateway.js';
import type { ServiceSource } from './source.js';

export interface ServiceProxyOptions extends RulesetOptions {
  source: ServiceSource;
  /** Where to program nftables (a named netns, or this process's namespace). */
  target?: NftTarget;
  minSyncIntervalMs?: number;
  registry?: Registry;
  /** Told of failed syncs (which are retried); must not throw. */
  onError?: (err: unknown) => void;
  /**
   * The pod bridge whose address masqueraded pod traffic is SNAT'ed to (default cni0, looked
   * up in the target namespace on every sync until found); `false` keeps plain masquerade.
   */
  podBridge?: string | false;
  /** Called after every applied sync, with the latency from the oldest change it covers. */
  onSynced?: (info: { latencyMs: number; rules: number; durationMs: number }) => void;
}

export class ServiceProxy {
  private previous: RenderState | undefined;
  private gateway: string | undefined;
  private gatewayTimer: NodeJS.Timeout | undefined;
  /** Set when the base chains change (gateway found): the next sync replaces the table. */
  private fullRender = false;
  private dirtySince: number | undefined;
  private lastSyncEnd = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  private readonly latency: Histogram | undefined;
  private readonly duration: Histogram | undefined;

  constructor(private readonly opts: ServiceProxyOptions) {
    if (opts.registry) {
      const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
      this.latency = new Histogram({ name: 'skiff_proxy_network_programming_duration_seconds', help: 'Time from a Service/EndpointSlice change to its rules being applied.', buckets, registers: [opts.registry] });
      this.duration = new Histogram({ name: 'skiff_proxy_sync_proxy_rules_duration_seconds', help: 'Time to render and apply one ruleset.', buckets, registers: [opts.registry] });
    }
  }

  async start(): Promise<void> {
    await this.opts.source.waitForSync();
    await this.watchGateway();
    this.unsubscribe = this.opts.source.onChange(() => this.markDirty());
    this.markDirty();
    await this.flush();
  }

  /** Resolves once every change seen so far is programmed. */
  async flush(): Promise<void> {
    while (!this.stopped && (this.dirtySince !== undefined || this.running)) {
      if (this.running) await this.running;
      else this.runNow();
    }
  }

  private markDirty(): void {
    if (this.stopped) return;
    this.dirtySince ??= Date.now();
    if (this.timer || this.running) return;
    const wait = Math.max(0, this.lastSyncEnd + (this.opts.minSyncIntervalMs ?? 100) - Date.now());
    this.timer = setTimeout(() => { this.timer = undefined; this.runNow(); }, wait);
  }

  private runNow(): void {
    if (this.running || this.stopped) return;
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    this.running = this.sync().finally(() => {
      this.running = undefined;
      this.lastSyncEnd = Date.now();
      if (this.dirtySince !== undefined) this.markDirty();
    });
  }

  private async sync(): Promise<void> {
    const since = this.dirtySince;
    if (since === undefined) return;
    this.dirtySince = undefined;
    const begin = Date.now();
    try {
      if (this.fullRender) {
        this.fullRender = false;
        this.previous = undefined;
      }
      const entries = servicePortEntries(this.opts.source.services(), this.opts.source.slices());
      const rendered = renderRuleset(entries, { ...this.opts, ...(this.gateway ? { podGatewayAddress: this.gateway } : {}) }, this.previous);
      await applyRuleset(this.opts.target ?? {}, rendered.text);
      this.previous = rendered.state;
      const end = Date.now();
      this.latency?.observe((end - since) / 1000);
      this.duration?.observe((end - begin) / 1000);
      this.opts.onSynced?.({ latencyMs: end - since, rules: rendered.rules, durationMs: end - begin });
    } catch (err: unknown) {
      // Next try replaces the whole table, whatever state the failed one left.
      this.previous = undefined;
      this.dirtySince ??= since;
      this.opts.onError?.(err);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /**
   * Looks for the pod bridge's address once now and then every second in the background
   * until it appears (the bridge comes with the node's first pod), so syncs never wait for
   * the lookup; finding it changes the base chains, so the next sync renders the whole table.
   */
  private async watchGateway(): Promise<void> {
    const bridge = this.opts.podBridge ?? 'cni0';
    const cidr = this.opts.clusterCIDR;
    if (bridge === false || !cidr || this.opts.podGatewayAddress) return;
    const look = async (): Promise<boolean> => {
      const found = await podGatewayAddress(this.opts.target ?? {}, cidr, bridge);
      if (found === undefined || this.stopped) return false;
      this.gateway = found;
      this.fullRender = true;
      this.markDirty();
      return true;
    };
    if (await look().catch((err: unknown) => { this.opts.onError?.(err); return false; })) return;
    this.gatewayTimer = setInterval(() => {
      look().then((done) => { if (done) clearInterval(this.gatewayTimer); }, (err: unknown) => this.opts.onError?.(err));
    }, 1000);
    this.gatewayTimer.unref();
  }

  async stop(opts: { removeRules?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    clearInterval(this.gatewayTimer);
    if (this.running) await this.running;
    if (opts.removeRules) await applyRuleset(this.opts.target ?? {}, deleteTableText());
  }
}
