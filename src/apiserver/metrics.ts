/** Request metrics on the server's own prom-client registry (several servers may share a process). */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ApiMetrics {
  readonly registry: Registry;
  observe(verb: string, resource: string, code: number, seconds: number): void;
}

export function createMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'apiserver_request_total', help: 'API requests by verb, resource and HTTP code.', labelNames: ['verb', 'resource', 'code'], registers: [registry] });
  const latency = new Histogram({
    name: 'apiserver_request_duration_seconds', help: 'API request latency by verb and resource (watches excluded).', labelNames: ['verb', 'resource'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
  });
  return {
    registry,
    observe(verb, resource, code, seconds) {
      requests.inc({ verb, resource, code: String(code) });
      if (verb !== 'WATCH') latency.observe({ verb, resource }, seconds);
    },
  };
}
