/**
 * A profile's plugins, instantiated from the registry and run at each extension point in
 * configured order (upstream frameworkruntime). The framework stamps each Status with the
 * plugin that returned it, remembers pre-filter/pre-score skips so the matching filter and
 * score calls are skipped, and combines weighted, normalized scores.
 */
import type { ExtensionPoint, ResolvedProfile } from '../config/config.js';
import type { NodeInfo, PodInfo } from './node-info.js';
import type { Status, Result } from './status.js';
import { errorStatus } from './status.js';
import type {
  BindPlugin, ClusterEvent, CycleState, FilterPlugin, Handle, NodeScore, Plugin, PluginFactory, PermitPlugin, PostFilterPlugin,
  PostFilterResult, PreFilterPlugin, PreScorePlugin, QueueSortPlugin, ReservePlugin, ScorePlugin, Snapshot,
} from './types.js';
import { maxNodeScore } from './types.js';

const methodOf: Record<ExtensionPoint, string> = {
  queueSort: 'less', preFilter: 'preFilter', filter: 'filter', postFilter: 'postFilter', preScore: 'preScore',
  score: 'score', reserve: 'reserve', permit: 'permit', bind: 'bind',
};

/** Does the plugin class the registry builds implement the point? Probed on one instance. */
export function pluginImplements(plugin: Plugin, point: ExtensionPoint): boolean {
  return typeof (plugin as unknown as Record<string, unknown>)[methodOf[point]] === 'function';
}

const skippedFilters = 'framework/skippedFilters';
const skippedScores = 'framework/skippedScores';
const activeFilters = 'framework/activeFilters';

export class Framework {
  readonly profile: ResolvedProfile;
  readonly queueSort: QueueSortPlugin;
  private readonly preFilters: PreFilterPlugin[];
  private readonly filters: FilterPlugin[];
  private readonly postFilters: PostFilterPlugin[];
  private readonly preScores: PreScorePlugin[];
  private readonly scores: Array<{ plugin: ScorePlugin; weight: number }>;
  private readonly reserves: ReservePlugin[];
  private readonly permits: PermitPlugin[];
  private readonly binders: BindPlugin[];
  readonly plugins: ReadonlyMap<string, Plugin>;

  constructor(profile: ResolvedProfile, registry: ReadonlyMap<string, PluginFactory>, handle: Handle) {
    this.profile = profile;
    const instances = new Map<string, Plugin>();
    const get = (name: string): Plugin => {
      let p = instances.get(name);
      if (!p) {
        const factory = registry.get(name);
        if (!factory) throw new Error(`scheduler profile ${profile.schedulerName}: plugin ${name} is not registered`);
        p = factory(profile.args.get(name), handle);
        instances.set(name, p);
      }
      return p;
    };
    const at = <T>(point: ExtensionPoint): T[] => profile.points[point].map((n) => get(n) as unknown as T);
    const sorts = at<QueueSortPlugin>('queueSort');
    if (sorts.length !== 1 || !sorts[0]) throw new Error(`scheduler profile ${profile.schedulerName}: exactly one queueSort plugin is needed, got ${sorts.length}`);
    this.queueSort = sorts[0];
    this.preFilters = at('preFilter');
    this.filters = at('filter');
    this.postFilters = at('postFilter');
    this.preScores = at('preScore');
    this.scores = profile.points.score.map((n) => ({ plugin: get(n) as ScorePlugin, weight: profile.weights.get(n) ?? 1 }));
    this.reserves = at('reserve');
    this.permits = at('permit');
    this.binders = at('bind');
    if (this.binders.length === 0) throw new Error(`scheduler profile ${profile.schedulerName}: no bind plugin`);
    this.plugins = instances;
  }

  /** Plugins interested in an event (to requeue pods they rejected). */
  pluginsFor(event: ClusterEvent): Set<string> {
    const out = new Set<string>();
    for (const p of this.plugins.values()) {
      if (p.events?.().some((e) => e.resource === event.resource && e.action === event.action)) out.add(p.name);
    }
    return out;
  }

  runPreFilter(state: CycleState, pod: PodInfo, snap: Snapshot): Result {
    const skipped = new Set<string>();
    state.write(skippedFilters, skipped);
    for (const p of this.preFilters) {
      const s = this.guard(p.name, () => p.preFilter(state, pod, snap));
      if (s?.code === 'Skip') { skipped.add(p.name); continue; }
      if (s) return s;
    }
    return undefined;
  }

  runFilters(state: CycleState, pod: PodInfo, node: NodeInfo): Result {
    // The filters not skipped by pre-filter, worked out once per cycle: this runs for every
    // sampled node (hundreds per pod on a large cluster).
    let active = state.read<readonly FilterPlugin[]>(activeFilters);
    if (!active) {
      const skipped = state.read<Set<string>>(skippedFilters);
      active = skipped && skipped.size > 0 ? this.filters.filter((p) => !skipped.has(p.name)) : this.filters;
      state.write(activeFilters, active);
    }
    for (let i = 0; i < active.length; i++) {
      const p = active[i] as FilterPlugin;
      const s = p.filter(state, pod, node);
      if (s) { s.plugin = p.name; return s; }
    }
    return undefined;
  }

  async runPostFilter(state: CycleState, pod: PodInfo, filtered: ReadonlyMap<string, Status>): Promise<PostFilterResult | undefined> {
    let last: PostFilterResult | undefined;
    for (const p of this.postFilters) {
      const r = await p.postFilter(state, pod, filtered);
      if (r.status === undefined) return r;
      last = r;
    }
    return last;
  }

  get hasScorePlugins(): boolean {
    return this.scores.length > 0;
  }

  runPreScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Result {
    const skipped = new Set<string>();
    state.write(skippedScores, skipped);
    for (const p of this.preScores) {
      const s = this.guard(p.name, () => p.preScore(state, pod, nodes));
      if (s?.code === 'Skip') { skipped.add(p.name); continue; }
      if (s) return s;
    }
    return undefined;
  }

  /** Weighted sum of normalized scores per node, in `nodes` order. */
  runScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): number[] {
    const totals = new Array<number>(nodes.length).fill(0);
    const skipped = state.read<Set<string>>(skippedScores);
    // One NodeScore per node, made only if a plugin normalizes, and reused by every plugin
    // that does: plugins x nodes objects per pod were a good part of the scheduler's garbage.
    let scores: NodeScore[] | undefined;
    for (const { plugin, weight } of this.scores) {
      if (skipped?.has(plugin.name)) continue;
      if (!plugin.normalizeScore) {
        for (let i = 0; i < nodes.length; i++) {
          const s = Math.max(0, Math.min(maxNodeScore, plugin.score(state, pod, nodes[i] as NodeInfo)));
          totals[i] = (totals[i] as number) + s * weight;
        }
        continue;
      }
      scores ??= nodes.map((n) => ({ name: n.name, score: 0 }));
      for (let i = 0; i < nodes.length; i++) {
        (scores[i] as NodeScore).score = plugin.score(state, pod, nodes[i] as NodeInfo);
      }
      plugin.normalizeScore(state, pod, scores);
      for (let i = 0; i < scores.length; i++) {
        const s = Math.max(0, Math.min(maxNodeScore, (scores[i] as NodeScore).score));
        totals[i] = (totals[i] as number) + s * weight;
      }
    }
    return totals;
  }

  runReserve(state: CycleState, pod: PodInfo, nodeName: string): Result {
    for (const p of this.reserves) {
      const s = this.guard(p.name, () => p.reserve(state, pod, nodeName));
      if (s) { this.runUnreserve(state, pod, nodeName); return s; }
    }
    return undefined;
  }

  runUnreserve(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (const p of [...this.reserves].reverse()) p.unreserve(state, pod, nodeName);
  }

  runPermit(state: CycleState, pod: PodInfo, nodeName: string): Result {
    for (const p of this.permits) {
      const s = this.guard(p.name, () => p.permit(state, pod, nodeName));
      if (s) return s;
    }
    return undefined;
  }

  async runBind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Result> {
    for (const p of this.binders) {
      const s = await p.bind(state, pod, nodeName);
      if (s?.code === 'Skip') continue;
      if (s) s.plugin = p.name;
      return s;
    }
    return { code: 'Error', reasons: ['no bind plugin bound the pod'] };
  }

  private guard(name: string, fn: () => Result): Result {
    let s: Result;
    try {
      s = fn();
    } catch (err: unknown) {
      s = errorStatus(err);
    }
    if (s && s.code !== 'Skip') s.plugin = name;
    return s;
  }
}
