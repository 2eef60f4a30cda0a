/**
 * The cluster's pod network settings, which every agent must agree on: the cluster CIDR and
 * how pods reach pods on other nodes (host-gw routes, or a VXLAN overlay). `skiff server`
 * publishes them as the ConfigMap kube-system/skiff-network; agents read it when they start
 * (host-gw when it is missing, e.g. an older server).
 */
import { isNotFound, type RestClient } from '../client/index.js';
import { ResourceClient } from '../client/typed/index.js';
import type { KubeObject } from '../api/types.js';

export type PodNetworkBackend = 'host-gw' | 'vxlan';
export interface ClusterNetwork { readonly backend: PodNetworkBackend; readonly clusterCIDR: string }

const configMaps = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };
const name = 'skiff-network';
interface ConfigMapObject extends KubeObject { data?: Record<string, string> }

export const defaultClusterNetwork: ClusterNetwork = { backend: 'host-gw', clusterCIDR: '10.42.0.0/16' };

export function isBackend(v: string): v is PodNetworkBackend {
  return v === 'host-gw' || v === 'vxlan';
}

export async function publishClusterNetwork(rest: RestClient, net: ClusterNetwork): Promise<void> {
  const client = new ResourceClient<ConfigMapObject>(rest, configMaps);
  const data = { backend: net.backend, clusterCIDR: net.clusterCIDR };
  try {
    const have = await client.get('kube-system', name);
    if (have.data?.backend === data.backend && have.data.clusterCIDR === data.clusterCIDR) return;
    await client.update({ ...have, data });
  } catch (err: unknown) {
    if (!isNotFound(err)) throw err;
    await client.create('kube-system', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'kube-system' }, data });
  }
}

export async function readClusterNetwork(rest: RestClient): Promise<ClusterNetwork> {
  try {
    const have = await new ResourceClient<ConfigMapObject>(rest, configMaps).get('kube-system', name);
    const backend = have.data?.backend ?? '';
    return { backend: isBackend(backend) ? backend : defaultClusterNetwork.backend, clusterCIDR: have.data?.clusterCIDR ?? defaultClusterNetwork.clusterCIDR };
  } catch (err: unknown) {
    if (isNotFound(err)) return defaultClusterNetwork;
    throw err;
  }
}
