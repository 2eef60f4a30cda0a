/**
 * Runs the cluster DNS server on its own, for a node's network namespace
 * (`ip netns exec NODE node dist/src/dns/main.js --listen 10.42.0.1:53 ...`):
 *   --listen HOST:PORT     where to serve (UDP and TCP)
 *   --kubeconfig FILE      read Services and EndpointSlices from the cluster, or
 *   --objects FILE         from a JSON file {"services": [...], "slices": [...]} (tests)
 *   --upstream HOST[:PORT] forward other names there (repeatable); default: resolv.conf's
 *   --resolv-conf FILE     which resolv.conf to read upstreams from
 * Prints "dns ready HOST:PORT" once serving; SIGTERM/SIGINT stop it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { connect } from '../client/typed/index.js';
import { SharedInformerFactory } from '../client/informers/index.js';
import { informerSource, StaticSource, type EndpointSliceObject, type ServiceObject, type ServiceSource } from '../proxy/index.js';
import { DnsServer } from './server.js';
import { parseUpstream, readNameservers } from './upstream.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      listen: { type: 'string' }, kubeconfig: { type: 'string' }, objects: { type: 'string' },
      upstream: { type: 'string', multiple: true }, 'resolv-conf': { type: 'string' },
    },
  });
  const listen = parseUpstream(values.listen ?? '0.0.0.0:53');
  let source: ServiceSource;
  let factory: SharedInformerFactory | undefined;
  if (values.objects) {
    const data = JSON.parse(readFileSync(values.objects, 'utf8')) as { services?: ServiceObject[]; slices?: EndpointSliceObject[] };
    source = new StaticSource(data.services ?? [], data.slices ?? []);
  } else if (values.kubeconfig) {
    factory = new SharedInformerFactory(connect(values.kubeconfig, 'skiff-dns'));
    source = informerSource(factory);
    factory.start();
  } else {
    throw new Error('give --kubeconfig or --objects');
  }
  const upstreams = values.upstream?.map(parseUpstream) ?? await readNameservers(values['resolv-conf'], [listen.host]);
  const server = new DnsServer({ source, host: listen.host, port: listen.port, upstreams, onError: (err) => process.stderr.write(`dns: ${err instanceof Error ? err.message : String(err)}\n`) });
  await server.start();
  process.stdout.write(`dns ready ${listen.host}:${server.port}\n`);
  const stop = (): void => { void server.stop().then(() => factory?.stop()).then(() => process.exit(0)); };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`dns: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
