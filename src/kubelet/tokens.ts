/**
 * Service-account tokens for pods: the kubelet asks the API for a TokenRequest
 * (POST serviceaccounts/NAME/token) bound to the pod, caches it per pod and path, and asks
 * again once 80% of its lifetime has passed, as upstream's token manager does. The cluster
 * CA comes from the agent's own connection when no kube-root-ca.crt ConfigMap exists yet.
 */
import { StatusError } from '../client/errors.js';
import type { RestClient } from '../client/rest.js';
import type { TokenSource } from './env.js';

interface Cached { token: string; renewAt: number }

export function apiTokenSource(rest: RestClient, now: () => number = Date.now): TokenSource {
  const cache = new Map<string, Cached>();
  return {
    async serviceAccountToken(o) {
      const key = `${o.pod.uid}/${o.path}`;
      const hit = cache.get(key);
      if (hit && now() < hit.renewAt) return hit.token;
      const expirationSeconds = Math.max(600, o.expirationSeconds ?? 3600);
      let answer: { status?: { token?: string; expirationTimestamp?: string } };
      try {
        answer = await rest.request({
          method: 'POST',
          path: `/api/v1/namespaces/${encodeURIComponent(o.namespace)}/serviceaccounts/${encodeURIComponent(o.serviceAccount)}/token`,
          body: {
            apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest',
            spec: { audiences: o.audience ? [o.audience] : [], expirationSeconds, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: o.pod.name, uid: o.pod.uid } },
          },
        });
      } catch (err: unknown) {
        // An API server without TokenRequest (e.g. started --no-agent before this existed)
        // leaves the token out rather than keeping every pod from starting.
        if (err instanceof StatusError && err.code === 404 && !/serviceaccounts? "/.test(err.message)) return undefined;
        throw err;
      }
      const token = answer.status?.token;
      if (!token) throw new Error('TokenRequest answered without a token');
      const issued = now();
      const expires = Date.parse(answer.status?.expirationTimestamp ?? '') || issued + expirationSeconds * 1000;
      cache.set(key, { token, renewAt: issued + 0.8 * (expires - issued) });
      // Forget pods long gone (the cache is small; a sweep per new token is enough).
      for (const [k, v] of cache) if (v.renewAt < issued - 3600_000) cache.delete(k);
      return token;
    },
    clusterCA() {
      return rest.connection.caPem?.replace(/\r\n/g, '\n');
    },
  };
}
