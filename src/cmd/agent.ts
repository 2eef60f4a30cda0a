/**
 * `skiff agent`: the node agent on its own, joining a server with a kubeconfig or with
 * --server and --token. Prints one line when registered; SIGTERM/SIGINT stop it (its pods'
 * containers keep running and are adopted by the next agent).
 */
import { Command } from 'commander';
import { connect } from '../client/typed/index.js';
import { RestClient } from '../client/rest.js';
import { defaultEngineRoot } from '../engine/types.js';
import { startAgent } from '../kubelet/index.js';
import { startNodeServices, type NodeServices } from '../dns/index.js'; // service proxy + cluster DNS

export async function main(argv: string[]): Promise<number> {
  const program = new Command('skiff agent')
    .description('Run a node agent (kubelet) that registers this machine and runs the pods bound to it')
    .option('--kubeconfig <file>', 'kubeconfig to reach the API server with')
    .option('--server <url>', 'API server URL (with --token)')
    .option('--token <token>', 'bearer token for --server')
    .option('--insecure-skip-tls-verify', 'do not check the server certificate (with --server)')
    .option('--node-name <name>', 'the Node name (default: the hostname)')
    .option('--root <dir>', 'engine root (images and containers)', defaultEngineRoot())
    .option('--state-dir <dir>', 'agent state: sandboxes, volumes, pod logs', '/var/lib/skiff/agent')
    .option('--service-proxy', 'also program Services into nftables (table ip skiff) and serve cluster DNS on the pod gateway, in this network namespace')
    .exitOverride();
  try {
    program.parse(argv, { from: 'user' });
  } catch (err: unknown) {
    const code = (err as { exitCode?: number }).exitCode;
    return typeof code === 'number' ? code : 1;
  }
  const o = program.opts<{ kubeconfig?: string; server?: string; token?: string; insecureSkipTlsVerify?: boolean; nodeName?: string; root: string; stateDir: string; serviceProxy?: boolean }>();
  let rest: RestClient;
  if (o.kubeconfig) rest = connect(o.kubeconfig, 'skiff-agent');
  else if (o.server && o.token) rest = new RestClient({ server: o.server, token: o.token, insecureSkipTLSVerify: o.insecureSkipTlsVerify === true, namespace: 'default', contextName: 'agent' });
  else {
    process.stderr.write('skiff agent: give --kubeconfig, or --server and --token\n');
    return 1;
  }
  const agent = await startAgent({ rest, engineRoot: o.root, stateDir: o.stateDir, ...(o.nodeName ? { nodeName: o.nodeName } : {}), onError: (err) => process.stderr.write(`skiff agent: ${err instanceof Error ? err.message : String(err)}\n`) });
  // Service proxy and cluster DNS (src/proxy, src/dns): opt-in, as they change this namespace's nftables.
  const nodeServices: NodeServices | undefined = o.serviceProxy
    ? await startNodeServices({ rest, nodeName: agent.nodeName, onError: (err) => process.stderr.write(`skiff agent: ${err instanceof Error ? err.message : String(err)}\n`) })
    : undefined;
  process.stdout.write(`skiff agent ready: node ${agent.nodeName}\n`);
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      void (nodeServices?.stop() ?? Promise.resolve()).then(() => agent.stop()).then(() => { rest.close(); resolve(0); }, () => resolve(1));
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
