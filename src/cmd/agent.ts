/**
 * `skiff agent`: the node agent on its own. It reaches the API server with a kubeconfig, or
 * joins with `--server https://HOST:PORT --token K10...` (the server's DATA_DIR/token; see
 * src/join): the CA is trusted by the hash in the token, the agent gets its own client
 * certificate (system:node:NAME) and keeps it with a kubeconfig under --data-dir, reused on
 * the next start. A token that is not a join token is sent as a plain bearer token.
 *
 * Runs the service proxy and cluster DNS too unless --no-service-proxy. Prints one line when
 * registered; SIGTERM/SIGINT stop it (its pods' containers keep running and are adopted by
 * the next agent).
 */
import { Command } from 'commander';
import { connect } from '../client/typed/index.js';
import { RestClient } from '../client/rest.js';
import { defaultEngineRoot } from '../engine/types.js';
import { startAgent } from '../kubelet/index.js';
import { parseMirrorPort } from '../kubelet/image-mirror.js';
import { defaultNodeName } from '../kubelet/machine.js';
import { startNodeServices, type NodeServices } from '../dns/index.js'; // service proxy + cluster DNS
import { joinCluster, looksLikeJoinToken } from '../join/index.js';
import { defaultStreamingPort, parseStreamingPort, startAgentStreaming, type AgentStreaming } from '../kubelet/server/index.js';

interface AgentFlags {
  kubeconfig?: string; server?: string; token?: string; insecureSkipTlsVerify?: boolean; nodeName?: string;
  root: string; dataDir: string; stateDir?: string; serviceProxy?: boolean; mirrorPort?: string; streamingPort?: string; seccompDefault?: boolean;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export async function main(argv: string[]): Promise<number> {
  const program = new Command('skiff agent')
    .description('Run a node agent (kubelet) that registers this machine and runs the pods bound to it')
    .option('--kubeconfig <file>', 'kubeconfig to reach the API server with')
    .option('--server <url>', 'API server URL (with --token)')
    .option('--token <token>', 'join token (K10<ca-hash>::<id>.<secret>, the server\'s DATA_DIR/token) or a bearer token, for --server')
    .option('--insecure-skip-tls-verify', 'do not check the server certificate (with --server and a bearer token)')
    .option('--node-name <name>', 'the Node name (default: the hostname)')
    .option('--root <dir>', 'engine root (images and containers)', defaultEngineRoot())
    .option('--data-dir <dir>', 'agent credentials (pki/, kubeconfig.yaml after a join) and state', '/var/lib/skiff/agent')
    .option('--state-dir <dir>', 'agent state: sandboxes, volumes, pod logs (default: --data-dir)')
    .option('--service-proxy', 'program Services into nftables and serve cluster DNS (the default)')
    .option('--no-service-proxy', 'do not run the service proxy and cluster DNS on this node')
    .option('--mirror-port <port>', 'serve this node\'s images to the other nodes on this port of its address (0: a free port, -1: none)', '5001')
    .option('--seccomp-default', 'run containers that name no seccompProfile with the runtime\'s default profile instead of Unconfined (the kubelet\'s seccompDefault)')
    .option('--streaming-port <port>', 'serve pods\' logs, exec, attach and port-forward to the API server on this port of the node\'s address (0: a free port, -1: none)', String(defaultStreamingPort))
    .exitOverride();
  try {
    program.parse(argv, { from: 'user' });
  } catch (err: unknown) {
    const code = (err as { exitCode?: number }).exitCode;
    return typeof code === 'number' ? code : 1;
  }
  const o = program.opts<AgentFlags>();
  const nodeName = o.nodeName ?? defaultNodeName();
  const onError = (err: unknown): void => { process.stderr.write(`skiff agent: ${errorText(err)}\n`); };
  let rest: RestClient;
  if (o.kubeconfig) rest = connect(o.kubeconfig, 'skiff-agent');
  else if (o.server && o.token && looksLikeJoinToken(o.token)) {
    try {
      const joined = await joinCluster({ server: o.server, token: o.token, dataDir: o.dataDir, nodeName });
      process.stdout.write(`skiff agent: ${joined.fresh ? 'joined' : 'reusing the credentials of an earlier join to'} ${o.server} as system:node:${nodeName}\n`);
      rest = connect(joined.kubeconfigPath, 'skiff-agent');
    } catch (err: unknown) {
      process.stderr.write(`skiff agent: ${errorText(err)}\n`);
      return 1;
    }
  } else if (o.server && o.token) rest = new RestClient({ server: o.server, token: o.token, insecureSkipTLSVerify: o.insecureSkipTlsVerify === true, namespace: 'default', contextName: 'agent' });
  else {
    process.stderr.write('skiff agent: give --kubeconfig, or --server and --token\n');
    return 1;
  }
  let agent: Awaited<ReturnType<typeof startAgent>>;
  try {
    agent = await startAgent({ rest, engineRoot: o.root, mirrorPort: parseMirrorPort(String(o.mirrorPort)), stateDir: o.stateDir ?? o.dataDir, nodeName, seccompDefault: o.seccompDefault === true, onError });
  } catch (err: unknown) {
    process.stderr.write(`skiff agent: cannot start: ${errorText(err)}\n`);
    rest.close();
    return 1;
  }
  // Service proxy and cluster DNS (src/proxy, src/dns) in this network namespace.
  const nodeServices: NodeServices | undefined = o.serviceProxy !== false
    ? await startNodeServices({ rest, nodeName: agent.nodeName, clusterCIDR: agent.clusterCidr, onError })
    : undefined;
  // The streaming endpoint (kubelet's :10250) the API server proxies pods/log, exec, attach and portforward to.
  let streaming: AgentStreaming | undefined;
  try {
    const port = parseStreamingPort(String(o.streamingPort));
    if (port !== undefined) streaming = await startAgentStreaming({ rest, nodeName: agent.nodeName, host: agent.hostIP, port, handlers: agent.handlers(), onError });
  } catch (err: unknown) {
    onError(new Error(`no streaming endpoint (kubectl logs/exec/port-forward will not reach this node's pods): ${errorText(err)}`));
  }
  if (streaming) {
    process.stdout.write(`skiff agent: streaming endpoint at ${streaming.url}\n`);
    // The Node's status names the port (metrics-server and the like read it there).
    await agent.setKubeletPort(Number(new URL(streaming.url).port)).catch(onError);
  }
  process.stdout.write(`skiff agent ready: node ${agent.nodeName}\n`);
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      void (streaming?.stop() ?? Promise.resolve()).then(() => nodeServices?.stop()).then(() => agent.stop()).then(() => { rest.close(); resolve(0); }, () => resolve(1));
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
