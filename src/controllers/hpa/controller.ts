/**
 * The HorizontalPodAutoscaler controller (autoscaling/v2, Resource metrics): every sync
 * period it reads the target's scale subresource, its pods' usage (metrics.ts) against their
 * requests, computes replicas (calculator.ts), writes the scale when it changes, and reports
 * currentMetrics and the AbleToScale/ScalingActive/ScalingLimited conditions with upstream
 * reasons.
 */
import type { KubeObject } from '../../api/types.js';
import { isNotFound, StatusError } from '../../client/index.js';
import { splitKey, type Informer } from '../../client/informers/index.js';
import { ResourceClient, type GroupVersionResource } from '../../client/typed/index.js';
import { parseLabelSelector } from '../../machinery/selectors.js';
import { QueueController, type ControllerContext } from '../base/controller.js';
import { stableJson } from '../base/hash.js';
import type { Pod } from '../base/objects.js';
import { isPodActive } from '../base/pods.js';
import { gvr } from '../base/resources.js';
import { normalize, Recommendations, replicasForMetric, type Target } from './calculator.js';
import { amount, requestOf } from './metrics.js';
import { PodMetricsSource } from './metrics-source.js';

interface MetricSpec { type: string; resource?: { name: string; target: { type: string; averageUtilization?: number; averageValue?: string } } }
interface Condition { type: string; status: string; reason: string; message: string; lastTransitionTime?: string }
interface Hpa extends KubeObject {
  spec: {
    scaleTargetRef: { apiVersion?: string; kind: string; name: string };
    minReplicas?: number; maxReplicas: number; metrics?: MetricSpec[];
    behavior?: { scaleDown?: { stabilizationWindowSeconds?: number }; scaleUp?: { stabilizationWindowSeconds?: number } };
  };
  status?: { currentReplicas?: number; desiredReplicas?: number; lastScaleTime?: string; currentMetrics?: unknown[]; conditions?: Condition[]; observedGeneration?: number };
}
interface Scale { spec?: { replicas?: number }; status?: { replicas?: number; selector?: string } }

const hpaGvr: GroupVersionResource = { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', namespaced: true };
const scalable: Record<string, GroupVersionResource> = {
  Deployment: gvr.deployments, ReplicaSet: gvr.replicaSets, StatefulSet: gvr.statefulSets,
};
const stamp = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface HpaOptions { readonly syncPeriodMs?: number }

export class HpaController extends QueueController {
  readonly name = 'horizontalpodautoscaling';
  private hpaInformer!: Informer<Hpa>;
  private podInformer!: Informer<Pod>;
  private readonly hpaClient: ResourceClient<Hpa>;
  private readonly metrics: PodMetricsSource;
  private readonly recommendations = new Recommendations();
  private timer: NodeJS.Timeout | undefined;

  constructor(ctx: ControllerContext, private readonly o: HpaOptions = {}) {
    super(ctx, 1);
    this.hpaClient = new ResourceClient<Hpa>(ctx.rest, hpaGvr);
    this.metrics = new PodMetricsSource(ctx.rest, () => ctx.now().getTime());
  }

  setup(): void {
    this.hpaInformer = this.ctx.informers.forResource<Hpa>(hpaGvr);
    this.podInformer = this.ctx.informers.forResource<Pod>(gvr.pods);
    this.hpaInformer.addEventHandler({ onAdd: (h) => this.enqueue(h), onDelete: (h) => this.recommendations.forget(`${h.metadata?.namespace}/${h.metadata?.name}`) });
  }

  override async run(): Promise<void> {
    const tick = (): void => {
      for (const h of this.hpaInformer.lister.list()) this.enqueue(h);
      this.timer = setTimeout(tick, this.o.syncPeriodMs ?? 15_000);
    };
    this.timer = setTimeout(tick, this.o.syncPeriodMs ?? 15_000);
    await super.run();
  }

  override stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    super.stop();
  }

  protected async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const hpa = this.hpaInformer.lister.get(namespace, name);
    if (!hpa) return;
    const now = this.ctx.now();
    const ns = namespace ?? 'default';
    const ref = hpa.spec.scaleTargetRef;
    const target = scalable[ref.kind];
    const conditions: Condition[] = [];
    const cond = (type: string, status: string, reason: string, message: string): void => { conditions.push({ type, status, reason, message }); };
    if (!target) {
      cond('AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: no scale for kind ${ref.kind}`);
      return this.writeStatus(hpa, { conditions }, now);
    }
    const scaleClient = new ResourceClient<KubeObject>(this.ctx.rest, target);
    let scale: Scale;
    try {
      scale = (await scaleClient.rest.get<Scale>(scaleClient.path(ns, ref.name, 'scale')));
    } catch (err: unknown) {
      if (!isNotFound(err)) throw err;
      cond('AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${(err as Error).message}`);
      return this.writeStatus(hpa, { conditions }, now);
    }
    const current = scale.spec?.replicas ?? 0;
    const selector = parseLabelSelector(scale.status?.selector ?? '');
    const min = hpa.spec.minReplicas ?? 1;
    // Scaled to zero by hand: autoscaling is off until someone scales it up again.
    if (current === 0 && min > 0) {
      cond('AbleToScale', 'True', 'SucceededGetScale', 'the HPA controller was able to get the target\'s current scale');
      cond('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
      return this.writeStatus(hpa, { currentReplicas: 0, desiredReplicas: 0, conditions }, now);
    }
    const pods = selector.ok ? this.podInformer.lister.list({ namespace: ns, selector: selector.value }).filter((p) => isPodActive(p) && p.status?.phase === 'Running') : [];
    let desired = 0;
    let metricName = '';
    const currentMetrics: unknown[] = [];
    let failure: string | undefined;
    for (const m of hpa.spec.metrics ?? []) {
      if (m.type !== 'Resource' || !m.resource) continue;
      const resource = m.resource.name;
      const usage = await this.metrics.usage(ns, pods, resource);
      const samples = pods.filter((p) => usage.has(p.metadata.name ?? '')).map((p) => ({ usage: usage.get(p.metadata.name ?? '') ?? 0, request: requestOf(p, resource) }));
      const t: Target = m.resource.target.type === 'Utilization'
        ? { type: 'Utilization', averageUtilization: m.resource.target.averageUtilization ?? 80 }
        : { type: 'AverageValue', averageValue: amount(resource, m.resource.target.averageValue) ?? 0 };
      const r = replicasForMetric(current, samples, t);
      if ('error' in r) {
        failure = `the HPA was unable to compute the replica count: failed to get ${resource} utilization: ${r.error}`;
        continue;
      }
      const averageValue = resource === 'cpu' ? `${Math.round(r.averageValue)}m` : String(Math.round(r.averageValue));
      currentMetrics.push({ type: 'Resource', resource: { name: resource, current: { averageValue, ...(r.utilization !== undefined ? { averageUtilization: r.utilization } : {}) } } });
      if (r.replicas > desired) { desired = r.replicas; metricName = `${resource} resource${t.type === 'Utilization' ? ' utilization (percentage of request)' : ''}`; }
    }
    cond('AbleToScale', 'True', 'SucceededGetScale', 'the HPA controller was able to get the target\'s current scale');
    if (currentMetrics.length === 0) {
      cond('ScalingActive', 'False', 'FailedGetResourceMetric', failure ?? 'the HPA was unable to compute the replica count: no metrics');
      return this.writeStatus(hpa, { currentReplicas: current, desiredReplicas: current, conditions }, now);
    }
    cond('ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metricName}`);
    const downWindow = (hpa.spec.behavior?.scaleDown?.stabilizationWindowSeconds ?? 300) * 1000;
    const upWindow = (hpa.spec.behavior?.scaleUp?.stabilizationWindowSeconds ?? 0) * 1000;
    const stable = this.recommendations.stabilized(key, desired, current, now.getTime(), downWindow, upWindow);
    const limited = normalize(current, stable, { min, max: hpa.spec.maxReplicas });
    if (limited.limited) cond('ScalingLimited', 'True', limited.limited, limited.limited === 'TooFewReplicas' ? 'the desired replica count is less than the minimum replica count' : limited.limited === 'TooManyReplicas' ? 'the desired replica count is more than the maximum replica count' : 'the desired replica count is increasing faster than the maximum scale rate');
    else cond('ScalingLimited', 'False', 'DesiredWithinRange', 'the desired count is within the acceptable range');
    const status: NonNullable<Hpa['status']> = { currentReplicas: current, desiredReplicas: limited.replicas, currentMetrics, conditions };
    if (limited.replicas !== current) {
      await scaleClient.patch(ns, ref.name, 'merge', { spec: { replicas: limited.replicas } }, { subresource: 'scale' });
      status.lastScaleTime = stamp(now);
      conditions[0] = { type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', message: `the HPA controller was able to update the target scale to ${limited.replicas}` };
      this.ctx.events('horizontal-pod-autoscaler', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' }).event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${limited.replicas}; reason: ${limited.replicas > current ? `${metricName} above target` : 'All metrics below target'}`);
    }
    return this.writeStatus(hpa, status, now);
  }

  private async writeStatus(hpa: Hpa, next: NonNullable<Hpa['status']>, now: Date): Promise<void> {
    const old = hpa.status ?? {};
    // lastTransitionTime moves only when a condition's status changes.
    const conditions = (next.conditions ?? []).map((c) => {
      const prev = old.conditions?.find((x) => x.type === c.type);
      return { ...c, lastTransitionTime: prev && prev.status === c.status ? (prev.lastTransitionTime ?? stamp(now)) : stamp(now) };
    });
    const status = { ...next, conditions, observedGeneration: hpa.metadata?.generation ?? 0, ...(next.lastScaleTime ?? old.lastScaleTime ? { lastScaleTime: next.lastScaleTime ?? old.lastScaleTime } : {}) };
    if (stableJson(status) === stableJson(old)) return;
    try {
      await this.hpaClient.updateStatus({ ...structuredClone(hpa), status });
    } catch (err: unknown) {
      if (isNotFound(err) || (err instanceof StatusError && err.code === 409)) return;
      throw err;
    }
  }
}
