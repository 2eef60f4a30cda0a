/**
 * Request metrics on the server's own prom-client registry (several servers may share a
 * process). prom-client loads in the background once the first request is observed (it costs ~100 ms);
 * requests observed before it is there are replayed into it.
 */
import type { Registry } from 'prom-client';

export interface ApiMetrics {
  observe(verb: string, resource: string, code: number, seconds: number): void;
  /** The Prometheus text exposition and its content type. */
  render(): Promise<{ contentType: string; text: string }>;
}

type Observe = ApiMetrics['observe'];

async function load(): Promise<{ registry: Registry; observe: Observe }> {
  const { Counter, Histogram, Registry: PromRegistry, collectDefaultMetrics } = await import('prom-client');
  const registry = new PromRegistry();
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

export function createMetrics(): ApiMetrics {
  const pending: Array<Parameters<Observe>> = [];
  let loaded: { registry: Registry; observe: Observe } | undefined;
  // Loading starts with the first request, not at start-up, so it never delays the ready line.
  let loading: Promise<{ registry: Registry; observe: Observe }> | undefined;
  const startLoading = (): Promise<{ registry: Registry; observe: Observe }> => (loading ??= load().then((m) => {
    loaded = m;
    for (const args of pending.splice(0)) m.observe(...args);
    return m;
  }));
  return {
    observe(...args) {
      if (loaded) {
        loaded.observe(...args);
        return;
      }
      pending.push(args);
      void startLoading();
    },
    async render() {
      const m = await startLoading();
      return { contentType: m.registry.contentType, text: await m.registry.metrics() };
    },
  };
}
