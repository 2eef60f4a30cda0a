/** The Node and Lease objects a hollow node registers, shaped as a kubelet writes them. */
import type { KubeObject } from '../api/types.js';

export interface HollowCapacity { cpu: string; memory: string; pods: string; [extended: string]: string }

export const defaultCapacity: HollowCapacity = { cpu: '32', memory: '256Gi', pods: '110' };

const timestamp = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function hollowNode(o: { name: string; cidr: string; internalIP: string; capacity: HollowCapacity; labels: Record<string, string>; taints?: unknown[]; now: Date }): KubeObject {
  const t = timestamp(o.now);
  const condition = (type: string, status: string, reason: string, message: string): Record<string, unknown> => ({ type, status, reason, message, lastHeartbeatTime: t, lastTransitionTime: t });
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name: o.name,
      labels: { 'kubernetes.io/hostname': o.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64', 'node.skiff.io/simulated': 'true', ...o.labels },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: { podCIDR: o.cidr, podCIDRs: [o.cidr], ...(o.taints?.length ? { taints: o.taints } : {}) },
    status: {
      capacity: { ...o.capacity }, allocatable: { ...o.capacity },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [{ type: 'InternalIP', address: o.internalIP }, { type: 'Hostname', address: o.name }],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: '', systemUUID: '', bootID: '', kernelVersion: 'hollow', osImage: 'skiff hollow node', containerRuntimeVersion: 'hollow://0.1.0',
        kubeletVersion: 'v1.32.0-skiff', kubeProxyVersion: 'v1.32.0-skiff', operatingSystem: 'linux', architecture: 'amd64',
      },
    },
  };
}

export function hollowLease(o: { name: string; nodeUid: string | undefined; durationSeconds: number; now: Date }): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
    metadata: {
      name: o.name, namespace: 'kube-node-lease',
      ...(o.nodeUid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: o.name, uid: o.nodeUid }] } : {}),
    },
    spec: { holderIdentity: o.name, leaseDurationSeconds: o.durationSeconds, renewTime: o.now.toISOString().replace('Z', '000Z').replace(/(\.\d{6})\d*Z$/, '$1Z') },
  };
}
