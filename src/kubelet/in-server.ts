/**
 * The agent inside `skiff server`: handler maps handed to the API server before it starts
 * (empty until the agent runs, then filled, so pods/log and pods/exec reach it in-process),
 * and the agent itself on the admin kubeconfig, its state under DATA_DIR/agent. (TokenRequest
 * is served by skiff server itself, for every node.)
 */
import type { MetricsSources, SubresourceHandler, UpgradeHandler } from '../apiserver/index.js';
import { connect } from '../client/typed/index.js';
import { defaultEngineRoot } from '../engine/types.js';
import { defaultAgentStateDir, startAgent } from './agent.js';

export interface AgentHandlerMaps { subresource: Map<string, SubresourceHandler>; upgrade: Map<string, UpgradeHandler> }

export function agentHandlers(): AgentHandlerMaps {
  return { subresource: new Map(), upgrade: new Map() };
}

export async function startAgentInServer(o: { kubeconfigPath: string; dataDir: string; nodeName: string | undefined; handlers: AgentHandlerMaps; metrics?: Pick<MetricsSources, 'register'>; mirrorPort?: number | undefined }): Promise<{ stop(): Promise<void> }> {
  const rest = connect(o.kubeconfigPath, 'skiff-agent');
  const agent = await startAgent({
    rest, engineRoot: defaultEngineRoot(), stateDir: defaultAgentStateDir(o.dataDir), ...(o.nodeName ? { nodeName: o.nodeName } : {}),
    statsReporting: o.metrics ? 'in-process' : 'push',
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
