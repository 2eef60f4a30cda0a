/** Services and slices shared by the proxy's and DNS's tests. */
import type { EndpointSliceObject, ServiceObject } from './model.js';

export function service(name: string, spec: NonNullable<ServiceObject['spec']>, namespace = 'default'): ServiceObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace, name }, spec };
}

export interface EndpointFixture { ip: string; ready?: boolean; nodeName?: string; hostname?: string; terminating?: boolean }

export function slice(svc: string, ports: Array<{ name?: string; port: number; protocol?: string }>, endpoints: EndpointFixture[], namespace = 'default'): EndpointSliceObject {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', addressType: 'IPv4',
    metadata: { namespace, name: `${svc}-abc`, labels: { 'kubernetes.io/service-name': svc } },
    ports: ports.map((p) => ({ ...(p.name !== undefined ? { name: p.name } : {}), port: p.port, protocol: p.protocol ?? 'TCP' })),
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip], conditions: { ready: e.ready ?? true, ...(e.terminating ? { terminating: true } : {}) },
      ...(e.nodeName ? { nodeName: e.nodeName } : {}), ...(e.hostname ? { hostname: e.hostname } : {}),
    })),
  };
}
