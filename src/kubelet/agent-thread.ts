/**
 * The in-process agent of `skiff server` on a thread of its own (worker_threads): in a burst
 * of pod starts the agent's work (file I/O for bundles and records, the helper's answers,
 * volumes) kept the server's one JS thread ~90% busy, so the scheduler bound pods slowly
 * and the API answered late. On its thread the agent reaches the API through the server's
 * in-process transport carried over a MessagePort (thread-transport.ts; over HTTPS with the
 * admin kubeconfig it cost ~10% more CPU per pod), pushes its usage figures as a joined node
 * does, and serves pods' logs/exec/attach/port-forward on its own streaming endpoint, to
 * which the API server proxies (src/apiserver/node-proxy.ts) as for joined agents.
 *
 * This file is both halves: agentOnThread() in the server, and the worker's entry below.
 */
import { MessageChannel, Worker, isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Transport } from '../client/transport.js';
import { serveTransportOnPort, transportOverPort } from '../client/thread-transport.js';
import { threadReady, threadStopper, type ComponentThreadMessage } from '../client/component-thread.js';

export interface AgentThreadOptions { kubeconfigPath: string; stateDir: string; engineRoot: string; nodeName: string | undefined; mirrorPort: number | undefined; seccompDefault: boolean }
interface WorkerInput extends AgentThreadOptions { api?: MessagePort }

type FromWorker = ComponentThreadMessage<{ nodeName: string }>;

/** Starts the agent on its own thread; resolves once it has registered and runs. */
export async function agentOnThread(o: AgentThreadOptions & { transport?: Transport | undefined }): Promise<{ nodeName: string; stop(): Promise<void> }> {
  const { transport, ...options } = o;
  const channel = transport ? new MessageChannel() : undefined;
  if (channel && transport) serveTransportOnPort(channel.port1, transport);
  const input: WorkerInput = { ...options, ...(channel ? { api: channel.port2 } : {}) };
  const worker = new Worker(new URL(import.meta.url), { workerData: input, transferList: channel ? [channel.port2] : [] });
  worker.once('exit', () => channel?.port1.close());
  const { nodeName } = await threadReady<{ nodeName: string }>(worker, 'agent');
  return { nodeName, stop: threadStopper(worker) };
}

async function runInWorker(o: WorkerInput): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const [{ connect }, { RestClient }, { startAgent }, { startAgentStreaming }] = await Promise.all([
    import('../client/typed/index.js'), import('../client/rest.js'), import('./agent.js'), import('./server/index.js'),
  ]);
  const onError = (err: unknown): void => { process.stderr.write(`skiff agent: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`); };
  const overHttps = connect(o.kubeconfigPath, 'skiff-agent');
  // The kubeconfig's connection stays for its CA (token volumes, the streaming endpoint).
  const rest = o.api ? new RestClient(overHttps.connection, { transport: transportOverPort(o.api) }) : overHttps;
  if (o.api) { overHttps.close(); rest.defaultHeaders['User-Agent'] = 'skiff-agent'; }
  try {
    const agent = await startAgent({ rest, engineRoot: o.engineRoot, stateDir: o.stateDir, ...(o.nodeName ? { nodeName: o.nodeName } : {}), statsReporting: 'push', ...(o.mirrorPort !== undefined ? { mirrorPort: o.mirrorPort } : {}), seccompDefault: o.seccompDefault, onError });
    // A free port on the node's address: the Node's annotation tells the API server where.
    const streaming = await startAgentStreaming({ rest, nodeName: agent.nodeName, host: agent.hostIP, port: 0, handlers: agent.handlers(), onError });
    port.on('message', (m: unknown) => {
      if (m !== 'stop') return;
      void (async () => {
        await streaming.stop().catch(onError);
        await agent.stop().catch(onError);
        rest.close();
        port.postMessage({ kind: 'stopped' } satisfies FromWorker);
      })();
    });
    port.postMessage({ kind: 'ready', nodeName: agent.nodeName } satisfies FromWorker);
  } catch (err: unknown) {
    rest.close();
    port.postMessage({ kind: 'failed', message: err instanceof Error ? err.message : String(err) } satisfies FromWorker);
  }
}

if (!isMainThread && (workerData as { stateDir?: unknown } | null)?.stateDir !== undefined) void runInWorker(workerData as WorkerInput);
