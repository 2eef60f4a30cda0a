/** The node agent ("kubelet"): Node registration, pod workers on the engine, streaming. */
export { NodeAgent, startAgent, defaultAgentStateDir } from './agent.js';
export type { AgentOptions } from './agent.js';
