/**
 * A stand-in kubelet for controller e2e tests until simulated nodes land: every interval it
 * marks Pending pods Running and Ready through the status subresource, except pods whose
 * image contains `never-ready`, which stay Pending. Pods of Jobs finish at once: Succeeded,
 * or Failed when the image contains `fails`.
 * stop() ends the loop; it is idempotent.
 */
import type { KubeObject } from '../../src/api/types.js';
import { connect } from '../../src/client/typed/index.js';
import { ResourceClient, coreResources } from '../../src/client/typed/index.js';
import type { RestClient } from '../../src/client/index.js';

interface Pod extends KubeObject {
  spec?: { containers?: Array<{ image?: string }>; nodeName?: string; affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: Array<{ matchFields?: Array<{ key: string; values?: string[] }> }> } } } };
  status?: { phase?: string };
}

/** The node a DaemonSet pins its pod to (there is no scheduler in these tests). */
function pinnedNode(p: Pod): string | undefined {
  const f = p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.find((m) => m.key === 'metadata.name');
  return f?.values?.[0];
}

function imageHas(p: Pod, text: string): boolean {
  return (p.spec?.containers ?? []).some((c) => c.image?.includes(text));
}

export interface FakeKubelet { readonly rest: RestClient; stop(): Promise<void> }

export function startFakeKubelet(kubeconfigPath: string, intervalMs = 150): FakeKubelet {
  const rest = connect(kubeconfigPath, 'controllers-e2e');
  const pods = new ResourceClient<Pod>(rest, coreResources.pods);
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const list = await pods.list(undefined, { fieldSelector: 'status.phase=Pending' });
        await Promise.all(list.items.map(async (p) => {
          if (imageHas(p, 'never-ready')) return;
          const pin = pinnedNode(p);
          if (!p.spec?.nodeName && pin) {
            await pods.createSubresource(p.metadata?.namespace, p.metadata?.name ?? '', 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: p.metadata?.name }, target: { apiVersion: 'v1', kind: 'Node', name: pin } });
          }
          const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
          const ofJob = p.metadata?.ownerReferences?.some((r) => r.kind === 'Job');
          const phase = !ofJob ? 'Running' : imageHas(p, 'fails') ? 'Failed' : 'Succeeded';
          await pods.patch(p.metadata?.namespace, p.metadata?.name ?? '', 'merge', {
            status: { phase, startTime: now, conditions: [{ type: 'Ready', status: phase === 'Running' ? 'True' : 'False', lastTransitionTime: now }, { type: 'PodScheduled', status: 'True', lastTransitionTime: now }] },
          }, { subresource: 'status' }).catch(() => undefined);
        }));
      } catch {
        // The server may be stopping; the next round tries again.
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
