/** The service load balancer: LoadBalancer Services get the Ready nodes' InternalIPs as ingress. */
export { ServiceLoadBalancerController } from './controller.js';
export { desiredIngress, ingressAddresses, nodesWithReadyEndpoints, sameIngress, wantsLoadBalancer, excludeNodeLabel } from './ingress.js';
export type { LoadBalancerIngress, ServiceView } from './ingress.js';
