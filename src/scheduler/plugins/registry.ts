/** Every in-tree plugin by name: the one place a plugin is registered. */
import type { PluginFactory } from '../framework/types.js';
import { DefaultBinder, NodeName, NodePorts, NodeUnschedulable, PrioritySort } from './basic.js';
import { ImageLocality } from './image-locality.js';
import { InterPodAffinity } from './inter-pod-affinity.js';
import { NodeAffinity } from './node-affinity.js';
import { BalancedAllocation, NodeResourcesFit } from './node-resources.js';
import { PodTopologySpread } from './pod-topology-spread.js';
import { TaintToleration } from './taint-toleration.js';
import { DefaultPreemption } from './default-preemption.js';

export const inTreeRegistry: ReadonlyMap<string, PluginFactory> = new Map<string, PluginFactory>([
  [PrioritySort.pluginName, () => new PrioritySort()],
  [NodeName.pluginName, () => new NodeName()],
  [NodeUnschedulable.pluginName, () => new NodeUnschedulable()],
  [NodePorts.pluginName, () => new NodePorts()],
  [NodeAffinity.pluginName, () => new NodeAffinity()],
  [TaintToleration.pluginName, () => new TaintToleration()],
  [NodeResourcesFit.pluginName, (args) => new NodeResourcesFit(args)],
  [BalancedAllocation.pluginName, (args) => new BalancedAllocation(args)],
  [ImageLocality.pluginName, (_a, h) => new ImageLocality(() => h.snapshot())],
  [PodTopologySpread.pluginName, (a, h) => new PodTopologySpread(() => h.snapshot(), a)],
  [InterPodAffinity.pluginName, (_a, h) => new InterPodAffinity(() => h.snapshot())],
  [DefaultPreemption.pluginName, (_a, h) => new DefaultPreemption(h)],
  [DefaultBinder.pluginName, (_a, h) => new DefaultBinder(h)],
]);
