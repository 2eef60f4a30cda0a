/**
 * What simulated nodes do not offer, for controller e2e tests: pods that fail. Every
 * interval, Pending pods whose image contains `fails` are marked Failed through the status
 * subresource. (Give such pods a nodeSelector no node matches, so no node runs them first.)
 * stop() ends the loop; it is idempotent.
 */
import type { KubeObject } from '../../src/api/types.js';
import type { RestClient } from '../../src/client/index.js';
import { connect, coreResources, ResourceClient } from '../../src/client/typed/index.js';

interface Pod extends KubeObject { spec?: { containers?: Array<{ image?: string }> }; status?: { phase?: string } }

export interface FailingPods { readonly rest: RestClient; stop(): Promise<void> }

export function startFailingPods(kubeconfigPath: string, intervalMs = 150): FailingPods {
  const rest = connect(kubeconfigPath, 'controllers-e2e');
  const pods = new ResourceClient<Pod>(rest, coreResources.pods);
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const list = await pods.list(undefined, { fieldSelector: 'status.phase=Pending' });
        await Promise.all(list.items.filter((p) => (p.spec?.containers ?? []).some((c) => c.image?.includes('fails'))).map(async (p) => {
          const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
          await pods.patch(p.metadata?.namespace, p.metadata?.name ?? '', 'merge', {
            status: { phase: 'Failed', startTime: now, conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: now }] },
          }, { subresource: 'status' });
        }));
      } catch {
        // The server may be stopping or a pod went meanwhile; the next round tries again.
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    rest,
    async stop() {
      stopped = true;
      await loop;
      rest.close();
    },
  };
}

/** A nodeSelector no simulated node matches: pods with it stay Pending (unschedulable). */
export const nowhere = '{skiff.dev/e2e-nowhere: "true"}';
