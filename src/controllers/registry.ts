/** Every controller the manager can run, by name, in one place (as kube-controller-manager's list). */
import type { Controller, ControllerContext } from './base/controller.js';
import { CronJobController } from './cronjob/controller.js';
import { DaemonSetController } from './daemonset/controller.js';
import { DeploymentController } from './deployment/controller.js';
import { GarbageCollector } from './gc/controller.js';
import { JobController } from './job/controller.js';
import { ReplicaSetController } from './replicaset/controller.js';
import { ServiceAccountController } from './serviceaccount/controller.js';
import { StatefulSetController } from './statefulset/controller.js';

export const controllerFactories = {
  replicaset: (ctx: ControllerContext): Controller => new ReplicaSetController(ctx),
  deployment: (ctx: ControllerContext): Controller => new DeploymentController(ctx),
  daemonset: (ctx: ControllerContext): Controller => new DaemonSetController(ctx),
  garbagecollector: (ctx: ControllerContext): Controller => new GarbageCollector(ctx),
  job: (ctx: ControllerContext): Controller => new JobController(ctx),
  statefulset: (ctx: ControllerContext): Controller => new StatefulSetController(ctx),
  cronjob: (ctx: ControllerContext): Controller => new CronJobController(ctx),
  serviceaccount: (ctx: ControllerContext): Controller => new ServiceAccountController(ctx),
} as const;

export type ControllerName = keyof typeof controllerFactories;
