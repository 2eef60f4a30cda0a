/**
 * KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1), the subset skiff reads:
 * profiles with schedulerName, plugin enable/disable per extension point or `multiPoint`,
 * score weights, pluginConfig args and percentageOfNodesToScore. Unset fields take
 * upstream's defaults; a profile's lists are applied over the default plugin set.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { PluginArgs } from '../framework/types.js';

export type ExtensionPoint = 'queueSort' | 'preFilter' | 'filter' | 'postFilter' | 'preScore' | 'score' | 'reserve' | 'permit' | 'bind';
export const extensionPoints: readonly ExtensionPoint[] = ['queueSort', 'preFilter', 'filter', 'postFilter', 'preScore', 'score', 'reserve', 'permit', 'bind'];

export interface PluginRef { name: string; weight?: number }
export interface PluginSet { enabled?: PluginRef[]; disabled?: PluginRef[] }
export interface ProfileConfig {
  schedulerName?: string;
  percentageOfNodesToScore?: number;
  plugins?: Partial<Record<ExtensionPoint | 'multiPoint', PluginSet>>;
  pluginConfig?: Array<{ name: string; args?: PluginArgs }>;
}
export interface SchedulerConfiguration {
  apiVersion?: string;
  kind?: string;
  percentageOfNodesToScore?: number;
  /** Seconds; defaults 1 and 10 as upstream. */
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
  profiles?: ProfileConfig[];
}

/** A profile resolved to plugin names per extension point, with weights and args. */
export interface ResolvedProfile {
  readonly schedulerName: string;
  readonly percentageOfNodesToScore: number;
  readonly points: Readonly<Record<ExtensionPoint, readonly string[]>>;
  readonly weights: ReadonlyMap<string, number>;
  readonly args: ReadonlyMap<string, PluginArgs>;
}

/** Upstream's default plugins (multiPoint) and score weights. */
export const defaultPlugins: readonly PluginRef[] = [
  { name: 'PrioritySort' }, { name: 'NodeUnschedulable' }, { name: 'NodeName' }, { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 }, { name: 'NodePorts' }, { name: 'NodeResourcesFit', weight: 1 },
  { name: 'PodTopologySpread', weight: 2 }, { name: 'InterPodAffinity', weight: 2 }, { name: 'DefaultPreemption' },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 }, { name: 'ImageLocality', weight: 1 }, { name: 'DefaultBinder' },
];

export function loadSchedulerConfig(file: string): SchedulerConfiguration {
  // yaml only when a file is given: the scheduler's thread otherwise never needs it (~6 MiB).
  const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const raw: unknown = parse(readFileSync(file, 'utf8'));
  if (typeof raw !== 'object' || raw === null) throw new Error(`${file}: not a KubeSchedulerConfiguration`);
  const cfg = raw as SchedulerConfiguration;
  if (cfg.kind !== undefined && cfg.kind !== 'KubeSchedulerConfiguration') throw new Error(`${file}: kind ${cfg.kind} is not KubeSchedulerConfiguration`);
  return cfg;
}

/**
 * Which plugin names run at each point. `implementsPoint` says whether a plugin has the
 * point's method (multiPoint enables a plugin only where it implements something).
 */
export function resolveProfiles(cfg: SchedulerConfiguration, implementsPoint: (plugin: string, point: ExtensionPoint) => boolean): ResolvedProfile[] {
  const profiles = cfg.profiles?.length ? cfg.profiles : [{}];
  return profiles.map((p) => {
    const weights = new Map<string, number>();
    const multi = p.plugins?.multiPoint;
    const multiDisabled = new Set((multi?.disabled ?? []).map((r) => r.name));
    let base: PluginRef[] = multiDisabled.has('*') ? [] : defaultPlugins.filter((r) => !multiDisabled.has(r.name));
    for (const r of multi?.enabled ?? []) base = [...base.filter((b) => b.name !== r.name), r];
    for (const r of base) weights.set(r.name, r.weight ?? weights.get(r.name) ?? 1);
    const points = {} as Record<ExtensionPoint, string[]>;
    for (const point of extensionPoints) {
      const set = p.plugins?.[point];
      const disabled = new Set((set?.disabled ?? []).map((r) => r.name));
      let names = disabled.has('*') ? [] : base.map((r) => r.name).filter((n) => !disabled.has(n) && implementsPoint(n, point));
      for (const r of set?.enabled ?? []) {
        names = [...names.filter((n) => n !== r.name), r.name];
        if (point === 'score' && r.weight !== undefined) weights.set(r.name, r.weight);
      }
      points[point] = names;
    }
    const args = new Map<string, PluginArgs>();
    for (const pc of p.pluginConfig ?? []) if (pc.args) args.set(pc.name, pc.args);
    return {
      schedulerName: p.schedulerName ?? 'default-scheduler',
      percentageOfNodesToScore: p.percentageOfNodesToScore ?? cfg.percentageOfNodesToScore ?? 0,
      points, weights, args,
    };
  });
}
