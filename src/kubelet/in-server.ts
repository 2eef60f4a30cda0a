/**
 * The agent inside `skiff server`: handler maps handed to the API server before it starts
 * (empty until the agent runs, then filled, so pods/log and pods/exec reach it in-process),
 * and the agent itself on the admin kubeconfig, its state under DATA_DIR/agent. (TokenRequest
 * is served by skiff server itself, for every node.)
 */
import type { MetricsSources, SubresourceHandler, UpgradeHandler } from '../apiserver/index.js';
import { RestClient } from '../client/rest.js';
import type { Transport } from '../client/transport.js';
import { connect } from '../client/typed/index.js';
import { defaultEngineRoot } from '../engine/types.js';
import { defaultAgentStateDir, startAgent } from './agent.js';

export interface AgentHandlerMaps { subresource: Map<string, SubresourceHandler>; upgrade: Map<string, UpgradeHandler> }

export function agentHandlers(): AgentHandlerMaps {
  return { subresource: new Map(), upgrade: new Map() };
}

/**
 * The agent's API client: over the server's in-process transport when given (no TLS, socket
 * or HTTP framing, which the server's one thread otherwise pays twice: as client and as
 * server), keeping the kubeconfig's connection for its CA (service-account token volumes'
 * ca.crt before kube-root-ca.crt exists).
 */
function agentRestClient(kubeconfigPath: string, transport: Transport | undefined): RestClient {
  const overHttps = connect(kubeconfigPath, 'skiff-agent');
  if (!transport) return overHttps;
  overHttps.close();
  const rest = new RestClient(overHttps.connection, { transport });
  rest.defaultHeaders['User-Agent'] = 'skiff-agent';
  return rest;
}

/** SKIFF_AGENT_THREAD=on runs the agent on its own thread (agent-thread.ts); off: on the server's. */
function agentThreadWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SKIFF_AGENT_THREAD === 'on';
}

export async function startAgentInServer(o: { kubeconfigPath: string; dataDir: string; nodeName: string | undefined; handlers: AgentHandlerMaps; metrics?: Pick<MetricsSources, 'register'>; mirrorPort?: number | undefined; seccompDefault?: boolean; transport?: Transport | undefined }): Promise<{ stop(): Promise<void> }> {
  if (agentThreadWanted()) {
    const { agentOnThread } = await import('./agent-thread.js');
    const onThread = await agentOnThread({ kubeconfigPath: o.kubeconfigPath, stateDir: defaultAgentStateDir(o.dataDir), engineRoot: defaultEngineRoot(), nodeName: o.nodeName, mirrorPort: o.mirrorPort, seccompDefault: o.seccompDefault === true, transport: o.transport });
    return onThread;
  }
  const rest = agentRestClient(o.kubeconfigPath, o.transport);
  const agent = await startAgent({
    rest, engineRoot: defaultEngineRoot(), stateDir: defaultAgentStateDir(o.dataDir), ...(o.nodeName ? { nodeName: o.nodeName } : {}),
    statsReporting: o.metrics ? 'in-process' : 'push', seccompDefault: o.seccompDefault === true,
    // Images built on the server's own node reach joined agents through this mirror.
    ...(o.mirrorPort !== undefined ? { mirrorPort: o.mirrorPort } : {}),
    onError: (err) => process.stderr.write(`skiff agent: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`),
  });
  const h = agent.handlers();
  for (const [k, v] of h.subresource) o.handlers.subresource.set(k, v);
  for (const [k, v] of h.upgrade) o.handlers.upgrade.set(k, v);
  // The metrics API reads this node's figures straight from the agent's stats loop.
  const unregister = o.metrics?.register(agent.nodeName, agent.stats);
  return {
    async stop() {
      unregister?.();
      await agent.stop();
      rest.close();
    },
  };
}
