/**
 * A RestClient over a Transport (e.g. the API server's in-process transport): what
 * components inside `skiff server` use instead of `connect(kubeconfigPath)`.
 */
import { RestClient } from './rest.js';
import type { Transport } from './transport.js';

/** The placeholder server URL of transport clients: only the path of each request is sent. */
export const transportServerUrl = 'https://in-process.invalid';

export function restClientOver(transport: Transport, userAgent = 'skiff', namespace = 'default'): RestClient {
  const rest = new RestClient({ server: transportServerUrl, namespace, contextName: 'in-process' }, { transport });
  rest.defaultHeaders['User-Agent'] = userAgent;
  return rest;
}
