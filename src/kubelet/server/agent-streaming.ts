/**
 * Runs the agent's streaming endpoint and tells the API server where it is: the Node gets
 * the annotations skiff.dev/streaming-endpoint (https://ADDRESS:PORT) and
 * skiff.dev/streaming-cert-sha256 (the serving certificate's fingerprint, which the API
 * server pins), removed again on stop. The port is kubelet's 10250 unless told otherwise;
 * the Node's status.daemonEndpoints.kubeletEndpoint names the same default.
 */
import { X509Certificate } from 'node:crypto';
import type { KubeObject } from '../../api/types.js';
import { StatusError } from '../../client/errors.js';
import type { RestClient } from '../../client/rest.js';
import { ResourceClient, coreResources } from '../../client/typed/index.js';
import { selfSignedServingCert } from './serving-cert.js';
import { startStreamingServer, type StreamingHandlers } from './streaming-server.js';

export const streamingEndpointAnnotation = 'skiff.dev/streaming-endpoint';
export const streamingCertAnnotation = 'skiff.dev/streaming-cert-sha256';
export const defaultStreamingPort = 10250;

export interface AgentStreamingOptions {
  readonly rest: RestClient;
  readonly nodeName: string;
  /** The node's address: listened on and advertised. */
  readonly host: string;
  /** 0: a free port. */
  readonly port: number;
  readonly handlers: StreamingHandlers;
  readonly onError?: (err: unknown) => void;
}

export interface AgentStreaming {
  readonly url: string;
  stop(): Promise<void>;
}

/** Parses --streaming-port: a port, 0 for a free one, or -1 for none (undefined). */
export function parseStreamingPort(raw: string): number | undefined {
  if (!/^-?\d+$/.test(raw)) throw new Error(`--streaming-port: not a port: ${raw}`);
  const n = Number(raw);
  if (n === -1) return undefined;
  if (n < 0 || n > 65535) throw new Error(`--streaming-port: out of range: ${raw}`);
  return n;
}

export async function startAgentStreaming(o: AgentStreamingOptions): Promise<AgentStreaming> {
  const caPem = o.rest.connection.caPem;
  if (!caPem) throw new Error('the streaming endpoint needs the cluster CA to check the API server\'s certificate; connect with a kubeconfig or a join token that carries it');
  const pods = new ResourceClient(o.rest, coreResources.pods);
  const nodes = new ResourceClient(o.rest, coreResources.nodes);
  const serving = await selfSignedServingCert([o.host, o.nodeName]);
  const server = await startStreamingServer({
    nodeName: o.nodeName, host: o.host, port: o.port, clientCaPem: caPem, serving, handlers: o.handlers,
    ...(o.onError ? { onError: o.onError } : {}),
    async getPod(namespace, name): Promise<KubeObject | undefined> {
      try {
        return await pods.get(namespace, name);
      } catch (err: unknown) {
        if (err instanceof StatusError && err.code === 404) return undefined;
        throw err;
      }
    },
  });
  const url = `https://${o.host.includes(':') ? `[${o.host}]` : o.host}:${server.port}`;
  const fingerprint = new X509Certificate(serving.certPem).fingerprint256;
  try {
    await nodes.patch(undefined, o.nodeName, 'merge', { metadata: { annotations: { [streamingEndpointAnnotation]: url, [streamingCertAnnotation]: fingerprint } } });
  } catch (err: unknown) {
    await server.close();
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    url,
    stop() {
      stopped ??= (async () => {
        await nodes.patch(undefined, o.nodeName, 'merge', { metadata: { annotations: { [streamingEndpointAnnotation]: null, [streamingCertAnnotation]: null } } })
          .catch((err: unknown) => o.onError?.(err));
        await server.close();
      })();
      return stopped;
    },
  };
}
