/**
 * pods/portforward for pods on this node: kubectl's SPDY streams (src/streaming) are piped to
 * the pod's port. The agent runs in the network namespace that holds the CNI bridge, so the
 * pod IP is reachable from here (upstream's kubelet dials localhost inside the pod's
 * namespace instead; for the pod's own listeners on 0.0.0.0 the result is the same).
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { UpgradeHandler } from '../apiserver/index.js';
import { errors } from '../machinery/errors.js';
import { portForwardUpgradeHandler } from '../streaming/index.js';
import type { Pod } from './pod-types.js';

function dial(host: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket: Socket = netConnect({ host, port, allowHalfOpen: true });
    socket.once('connect', () => { socket.removeListener('error', reject); resolve(socket); });
    socket.once('error', reject);
  });
}

export function portForwardHandler(onWarning: (message: string) => void): UpgradeHandler {
  return portForwardUpgradeHandler((target) => {
    const pod = target.object as Pod;
    const ip = pod.status?.podIP;
    const name = pod.metadata?.name ?? target.name;
    if (!ip) throw errors.badRequest(`pod ${name} has no IP yet: it is not running`);
    return {
      connect: (port) => dial(ip, port),
      podName: `${name}_${pod.metadata?.namespace ?? ''}`,
      ...(pod.metadata?.uid ? { podUid: pod.metadata.uid } : {}),
      onWarning,
    };
  });
}
