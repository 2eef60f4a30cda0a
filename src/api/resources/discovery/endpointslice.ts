/** discovery.k8s.io/v1 EndpointSlice. */
import type { FieldError, KubeObject, StrategyContext } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, createdAt, nameColumn, nameOf } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { immutable, notSupported, required } from '../../meta/field-errors.js';
import { arrayAt, recordsAt, setDefault, setDefaultString, stringAt } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';
import { PROTOCOLS } from '../core/pod-spec-validation.js';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const SHOWN = 3;

function listWithMore(list: string[]): string {
  if (list.length === 0) return '<unset>';
  const head = list.slice(0, SHOWN).join(',');
  return list.length > SHOWN ? `${head} + ${list.length - SHOWN} more...` : head;
}

function sliceRow(slice: KubeObject, ctx: StrategyContext): unknown[] {
  const ports = recordsAt(slice, 'ports').map((p) => (typeof p['port'] === 'number' ? String(p['port']) : stringAt(p, 'name') || '*'));
  const addresses = recordsAt(slice, 'endpoints').flatMap((e) => (arrayAt(e, 'addresses') ?? []).map(String));
  return [nameOf(slice), stringAt(slice, 'addressType') ?? '', listWithMore(ports), listWithMore(addresses), ageOf(createdAt(slice), ctx.now)];
}

function validateSlice(slice: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const type = stringAt(slice, 'addressType');
  if (!type) errs.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(type)) errs.push(notSupported('addressType', type, ADDRESS_TYPES));
  recordsAt(slice, 'endpoints').forEach((e, i) => {
    if ((arrayAt(e, 'addresses') ?? []).length === 0) errs.push(required(`endpoints[${i}].addresses`, 'must contain at least 1 address'));
  });
  recordsAt(slice, 'ports').forEach((p, i) => {
    const protocol = stringAt(p, 'protocol');
    if (protocol !== undefined && !PROTOCOLS.includes(protocol)) errs.push(notSupported(`ports[${i}].protocol`, protocol, PROTOCOLS));
  });
  return errs;
}

export const endpointslices = defineResource({
  group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', plural: 'endpointslices', namespaced: true,
  schemaName: 'io.k8s.api.discovery.v1.EndpointSlice',
  strategy: makeStrategy({
    defaults(slice) {
      for (const p of recordsAt(slice, 'ports')) {
        setDefault(p, 'name', '');
        setDefaultString(p, 'protocol', 'TCP');
      }
    },
    validate: validateSlice,
    validateUpdate: (slice, old) => (stringAt(slice, 'addressType') === stringAt(old, 'addressType') ? [] : [immutable('addressType', stringAt(slice, 'addressType') ?? '')]),
  }),
  columns: [
    nameColumn,
    column('AddressType', 'The type of address carried by this EndpointSlice.'),
    column('Ports', 'Ports provided by this EndpointSlice.'),
    column('Endpoints', 'Endpoints (addresses) in this EndpointSlice.'),
    ageColumn,
  ],
  row: sliceRow,
});
