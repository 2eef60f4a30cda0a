/** Every controller the manager can run, by name, in one place (as kube-controller-manager's list). */
import type { Controller, ControllerContext } from './base/controller.js';
import { CronJobController } from './cronjob/controller.js';
import { DaemonSetController } from './daemonset/controller.js';
import { DeploymentController } from './deployment/controller.js';
import { EndpointsController } from './endpoints/controller.js';
import { GarbageCollector } from './gc/controller.js';
import { HpaController } from './hpa/controller.js';
import { JobController } from './job/controller.js';
import { NodeIpamController } from './nodeipam/controller.js';
import { NodeLifecycleController, type NodeLifecycleOptions } from './nodelifecycle/controller.js';
import { PodGarbageCollector } from './podgc/controller.js';
import { ReplicaSetController } from './replicaset/controller.js';
import { ServiceAccountController } from './serviceaccount/controller.js';
import { ServiceLoadBalancerController } from './servicelb/controller.js';
import { StatefulSetController } from './statefulset/controller.js';

const num = (name: string): number | undefined => {
  const v = process.env[name];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
};

/** Test-only tuning of node monitoring (SKIFF_NODE_MONITOR_GRACE_SECONDS, SKIFF_NODE_MONITOR_PERIOD_MS). */
function nodeMonitorTuning(): NodeLifecycleOptions {
  const grace = num('SKIFF_NODE_MONITOR_GRACE_SECONDS');
  const period = num('SKIFF_NODE_MONITOR_PERIOD_MS');
  return { ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}), ...(period !== undefined ? { monitorPeriodMs: period } : {}) };
}

export const controllerFactories = {
  replicaset: (ctx: ControllerContext): Controller => new ReplicaSetController(ctx),
  deployment: (ctx: ControllerContext): Controller => new DeploymentController(ctx),
  daemonset: (ctx: ControllerContext): Controller => new DaemonSetController(ctx),
  garbagecollector: (ctx: ControllerContext): Controller => {
    // Test-only: SKIFF_GC_REDISCOVER_MS (how soon new resources, such as CRDs, are watched).
    const every = num('SKIFF_GC_REDISCOVER_MS');
    return new GarbageCollector(ctx, every !== undefined ? { rediscoverMs: every } : {});
  },
  job: (ctx: ControllerContext): Controller => {
    // Test-only: SKIFF_JOB_BACKOFF_BASE_MS (upstream's pod failure backoff starts at 10 s).
    const base = num('SKIFF_JOB_BACKOFF_BASE_MS');
    return new JobController(ctx, base !== undefined ? { backoffBaseMs: base } : {});
  },
  statefulset: (ctx: ControllerContext): Controller => new StatefulSetController(ctx),
  cronjob: (ctx: ControllerContext): Controller => new CronJobController(ctx),
  nodelifecycle: (ctx: ControllerContext): Controller => new NodeLifecycleController(ctx, nodeMonitorTuning()),
  // Pod CIDRs for Nodes; SKIFF_CLUSTER_CIDR is set by `skiff server --cluster-cidr`.
  nodeipam: (ctx: ControllerContext): Controller => new NodeIpamController(ctx, process.env.SKIFF_CLUSTER_CIDR ? { clusterCIDR: process.env.SKIFF_CLUSTER_CIDR } : {}),
  endpoints: (ctx: ControllerContext): Controller => new EndpointsController(ctx),
  horizontalpodautoscaling: (ctx: ControllerContext): Controller => {
    // Test-only: SKIFF_HPA_SYNC_PERIOD_MS (upstream --horizontal-pod-autoscaler-sync-period, 15 s).
    const period = num('SKIFF_HPA_SYNC_PERIOD_MS');
    return new HpaController(ctx, period !== undefined ? { syncPeriodMs: period } : {});
  },
  podgc: (ctx: ControllerContext): Controller => {
    // Test-only: SKIFF_PODGC_PERIOD_MS, SKIFF_TERMINATED_POD_GC_THRESHOLD.
    const period = num('SKIFF_PODGC_PERIOD_MS');
    const threshold = num('SKIFF_TERMINATED_POD_GC_THRESHOLD');
    return new PodGarbageCollector(ctx, { ...(period !== undefined ? { periodMs: period } : {}), ...(threshold !== undefined ? { terminatedPodThreshold: threshold } : {}) });
  },
  serviceaccount: (ctx: ControllerContext): Controller => new ServiceAccountController(ctx),
  servicelb: (ctx: ControllerContext): Controller => new ServiceLoadBalancerController(ctx),
} as const;

export type ControllerName = keyof typeof controllerFactories;
