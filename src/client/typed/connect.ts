/** A RestClient from a kubeconfig file (the admin kubeconfig `skiff server` writes). */
import { loadKubeConfig, resolveConnection } from '../kubeconfig.js';
import { RestClient } from '../rest.js';

export function connect(kubeconfigPath: string, userAgent = 'skiff'): RestClient {
  const { config } = loadKubeConfig({ explicitPath: kubeconfigPath });
  const rest = new RestClient(resolveConnection(config));
  rest.defaultHeaders['User-Agent'] = userAgent;
  return rest;
}
