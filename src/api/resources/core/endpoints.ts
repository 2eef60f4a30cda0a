/** core/v1 Endpoints: the addresses behind a service, printed `ip:port` with a `+ N more...` tail. */
import type { KubeObject, StrategyContext } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, createdAt, nameColumn, nameOf } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { recordsAt, setDefaultString, stringAt } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';

const SHOWN = 3;

export function formatEndpoints(ep: KubeObject): string {
  const subsets = recordsAt(ep, 'subsets');
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  for (const ss of subsets) {
    const addresses = recordsAt(ss, 'addresses').map((a) => stringAt(a, 'ip') ?? '');
    const ports = recordsAt(ss, 'ports');
    const targets = ports.length === 0
      ? addresses
      : ports.flatMap((p) => addresses.map((ip) => (ip.includes(':') ? `[${ip}]` : ip) + `:${String(p['port'])}`));
    count += targets.length;
    for (const t of targets) if (list.length < SHOWN) list.push(t);
  }
  return count > SHOWN ? `${list.join(',')} + ${count - SHOWN} more...` : list.join(',');
}

export const endpoints = defineResource({
  group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', singular: 'endpoints', shortNames: ['ep'], namespaced: true,
  schemaName: 'io.k8s.api.core.v1.Endpoints',
  strategy: makeStrategy({
    defaults(obj) {
      for (const ss of recordsAt(obj, 'subsets')) for (const p of recordsAt(ss, 'ports')) setDefaultString(p, 'protocol', 'TCP');
    },
  }),
  columns: [nameColumn, column('Endpoints', 'Endpoints of the service'), ageColumn],
  row: (ep: KubeObject, ctx: StrategyContext) => [nameOf(ep), formatEndpoints(ep), ageOf(createdAt(ep), ctx.now)],
});
