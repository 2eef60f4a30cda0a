/** A pod from a workload's template, owned by the workload (upstream GetPodFromTemplate). */
import type { OwnerReference } from '../../api/types.js';
import type { Pod, PodTemplate } from './objects.js';

export function podFromTemplate(template: PodTemplate, o: { namespace: string; generateName?: string; name?: string; ownerRef: OwnerReference; extraLabels?: Record<string, string> }): Pod {
  const labels = { ...(template.metadata?.labels ?? {}), ...(o.extraLabels ?? {}) };
  const annotations = template.metadata?.annotations;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      ...(o.name ? { name: o.name } : { generateName: o.generateName ?? '' }),
      namespace: o.namespace,
      labels,
      ...(annotations && Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
      ownerReferences: [o.ownerRef],
    },
    spec: structuredClone(template.spec ?? {}),
  };
}
