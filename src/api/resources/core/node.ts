/** core/v1 Node: cluster-scoped; the agent creates it with its status, so status is kept on create. */
import type { KubeObject, StrategyContext } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, createdAt, nameColumn, nameOf, wide } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { immutable } from '../../meta/field-errors.js';
import { boolAt, isRecord, recordAt, recordsAt, stringAt } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';

function nodeStatus(node: KubeObject): string {
  const parts: string[] = [];
  const ready = recordsAt(recordAt(node, 'status'), 'conditions').find((c) => stringAt(c, 'type') === 'Ready');
  if (ready) parts.push(stringAt(ready, 'status') === 'True' ? 'Ready' : 'NotReady');
  if (parts.length === 0) parts.push('Unknown');
  if (boolAt(recordAt(node, 'spec'), 'unschedulable') === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** Roles from `node-role.kubernetes.io/<role>` labels and the older `kubernetes.io/role`. */
export function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

function address(node: KubeObject, type: string): string {
  const a = recordsAt(recordAt(node, 'status'), 'addresses').find((x) => stringAt(x, 'type') === type);
  return stringAt(a, 'address') || '<none>';
}

function nodeRow(node: KubeObject, ctx: StrategyContext): unknown[] {
  const info = recordAt(recordAt(node, 'status'), 'nodeInfo');
  return [
    nameOf(node), nodeStatus(node), nodeRoles(node), ageOf(createdAt(node), ctx.now), stringAt(info, 'kubeletVersion') ?? '',
    address(node, 'InternalIP'), address(node, 'ExternalIP'),
    stringAt(info, 'osImage') || '<unknown>', stringAt(info, 'kernelVersion') || '<unknown>', stringAt(info, 'containerRuntimeVersion') || '<unknown>',
  ];
}

export const nodes = defineResource({
  group: '', version: 'v1', kind: 'Node', plural: 'nodes', shortNames: ['no'], namespaced: false,
  subresources: ['status'],
  schemaName: 'io.k8s.api.core.v1.Node',
  strategy: makeStrategy({
    usesGeneration: false,
    defaults(node) {
      // Allocatable starts out as the whole capacity until the agent reports otherwise.
      const status = recordAt(node, 'status');
      if (status && status['allocatable'] === undefined && isRecord(status['capacity'])) status['allocatable'] = { ...status['capacity'] };
    },
    prepareForUpdate(obj, old) {
      // The main resource cannot change status; the agent writes it through nodes/status.
      if (old['status'] === undefined) delete obj['status'];
      else obj['status'] = structuredClone(old['status']);
    },
    validateUpdate(obj, old) {
      const oldCIDR = stringAt(recordAt(old, 'spec'), 'podCIDR');
      const cidr = stringAt(recordAt(obj, 'spec'), 'podCIDR');
      return oldCIDR && cidr !== oldCIDR ? [immutable('spec.podCIDR', cidr ?? '')] : [];
    },
  }),
  columns: [
    nameColumn,
    column('Status', 'The status of the node'),
    column('Roles', 'The roles of the node'),
    ageColumn,
    column('Version', 'Kubelet Version reported by the node.'),
    wide('Internal-IP', 'List of internal IPs of the node.'),
    wide('External-IP', 'List of external IPs of the node.'),
    wide('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 12 (bookworm)).'),
    wide('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 6.1.0-18-amd64)."),
    wide('Container-Runtime', 'Container Runtime Version reported by the node through runtime remote API (e.g. containerd://1.7.0).'),
  ],
  row: nodeRow,
});
