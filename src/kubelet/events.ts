/**
 * core/v1 Events about pods, as the kubelet writes them (source component "kubelet", the
 * node as host). Repeats of the same reason and message on the same object bump `count`
 * instead of adding another Event, as client-go's correlator does.
 */
import { randomBytes } from 'node:crypto';
import type { RestClient } from '../client/rest.js';
import { ResourceClient, coreResources } from '../client/typed/index.js';
import { kubeTime, type Pod } from './pod-types.js';

interface Sent { name: string; count: number; firstTimestamp: string }

export class EventRecorder {
  private readonly events: ResourceClient;
  private readonly sent = new Map<string, Sent>();

  constructor(rest: RestClient, private readonly nodeName: string, private readonly onError: (err: unknown) => void) {
    this.events = new ResourceClient(rest, coreResources.events);
  }

  /** Fire and forget: an event that cannot be written must not stop the pod's work. */
  record(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    this.write(pod, type, reason, message, fieldPath).catch(this.onError);
  }

  private async write(pod: Pod, type: string, reason: string, message: string, fieldPath: string | undefined): Promise<void> {
    const m = pod.metadata ?? {};
    const namespace = m.namespace ?? 'default';
    const now = kubeTime();
    const key = `${m.uid ?? ''}|${fieldPath ?? ''}|${reason}|${message}`;
    const prior = this.sent.get(key);
    if (prior) {
      prior.count += 1;
      try {
        await this.events.patch(namespace, prior.name, 'merge', { count: prior.count, lastTimestamp: now });
        return;
      } catch {
        // The event expired or was removed: write it anew below.
        this.sent.delete(key);
      }
    }
    const name = `${m.name ?? 'pod'}.${Date.now().toString(16)}${randomBytes(2).toString('hex')}`;
    await this.events.create(namespace, {
      apiVersion: 'v1', kind: 'Event',
      metadata: { name, namespace },
      involvedObject: { kind: 'Pod', namespace, name: m.name, uid: m.uid, apiVersion: 'v1', resourceVersion: m.resourceVersion, ...(fieldPath ? { fieldPath } : {}) },
      reason, message, type,
      source: { component: 'kubelet', host: this.nodeName },
      firstTimestamp: now, lastTimestamp: now, count: 1,
      reportingComponent: 'kubelet', reportingInstance: this.nodeName,
    });
    this.sent.set(key, { name, count: 1, firstTimestamp: now });
  }

  /** Forgets a pod's events (after it is gone). */
  forget(uid: string): void {
    for (const key of this.sent.keys()) if (key.startsWith(`${uid}|`)) this.sent.delete(key);
  }
}
