/** core/v1 Service: DNS-1035 names, port defaults (TCP, targetPort = port) and the services table. */
import type { FieldError, KubeObject, StrategyContext } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, createdAt, formatLabels, nameColumn, nameOf, wide } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { RenderedValue, duplicate, invalid, notSupported, required } from '../../meta/field-errors.js';
import { arrayAt, ensureRecord, numberAt, recordAt, recordsAt, setDefault, setDefaultString, stringAt, type JsonRecord } from '../../meta/json.js';
import { isDNS1123Label, isValidPortName } from '../../meta/names.js';
import { validateLabels } from '../../meta/object-meta.js';
import { makeStrategy } from '../../meta/strategy.js';
import { PROTOCOLS, portRangeErrors } from './pod-spec-validation.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SESSION_AFFINITIES = ['ClientIP', 'None'];
/** Upstream's default ClientIP affinity timeout (3 hours). */
const CLIENT_IP_AFFINITY_SECONDS = 10800;

function defaultService(obj: KubeObject): void {
  const spec = ensureRecord(obj as JsonRecord, 'spec');
  setDefaultString(spec, 'type', 'ClusterIP');
  const type = stringAt(spec, 'type');
  // clusterIP and clusterIPs[0] are one field written two ways; keep them in step.
  const ip = stringAt(spec, 'clusterIP');
  const ips = (arrayAt(spec, 'clusterIPs') ?? []).map(String);
  if (ip && ips.length === 0) spec['clusterIPs'] = [ip];
  else if (!ip && ips[0]) spec['clusterIP'] = ips[0];
  for (const port of recordsAt(spec, 'ports')) {
    setDefaultString(port, 'protocol', 'TCP');
    const targetPort = port['targetPort'];
    if (targetPort === undefined || targetPort === null || targetPort === 0 || targetPort === '') port['targetPort'] = port['port'];
  }
  setDefaultString(spec, 'sessionAffinity', 'None');
  if (spec['sessionAffinity'] === 'None') delete spec['sessionAffinityConfig'];
  else if (spec['sessionAffinity'] === 'ClientIP' && numberAt(recordAt(recordAt(spec, 'sessionAffinityConfig'), 'clientIP'), 'timeoutSeconds') === undefined) {
    spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: CLIENT_IP_AFFINITY_SECONDS } };
  }
  const externallyAccessible = type === 'NodePort' || type === 'LoadBalancer' || (type === 'ClusterIP' && (arrayAt(spec, 'externalIPs') ?? []).length > 0);
  if (externallyAccessible) setDefaultString(spec, 'externalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  if (type === 'ExternalName') return;
  setDefaultString(spec, 'internalTrafficPolicy', 'Cluster');
  // IP family fields are filled where upstream allocates the IP: selector-less headless
  // services ask for every family the cluster has, the rest get the cluster's first one.
  const headlessWithoutSelector = stringAt(spec, 'clusterIP') === 'None' && Object.keys(recordAt(spec, 'selector') ?? {}).length === 0;
  setDefaultString(spec, 'ipFamilyPolicy', headlessWithoutSelector ? 'RequireDualStack' : 'SingleStack');
  setDefault(spec, 'ipFamilies', ['IPv4']);
}

function validateService(obj: KubeObject): FieldError[] {
  const spec = recordAt(obj, 'spec');
  const errs: FieldError[] = [];
  const type = stringAt(spec, 'type') ?? 'ClusterIP';
  if (!SERVICE_TYPES.includes(type)) errs.push(notSupported('spec.type', type, SERVICE_TYPES));
  const affinity = stringAt(spec, 'sessionAffinity');
  if (affinity !== undefined && !SESSION_AFFINITIES.includes(affinity)) errs.push(notSupported('spec.sessionAffinity', affinity, SESSION_AFFINITIES));
  const ports = recordsAt(spec, 'ports');
  const headless = stringAt(spec, 'clusterIP') === 'None';
  if (type === 'ExternalName') {
    if (!stringAt(spec, 'externalName')) errs.push(required('spec.externalName'));
  } else if (ports.length === 0 && !headless) {
    errs.push(required('spec.ports'));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = `spec.ports[${i}]`;
    const name = stringAt(p, 'name');
    if (!name) {
      if (ports.length > 1) errs.push(required(`${pp}.name`));
    } else {
      for (const problem of isDNS1123Label(name)) errs.push(invalid(`${pp}.name`, name, problem));
      if (names.has(name)) errs.push(duplicate(`${pp}.name`, name));
      names.add(name);
    }
    errs.push(...portRangeErrors(`${pp}.port`, p['port']));
    const protocol = stringAt(p, 'protocol');
    if (protocol !== undefined && !PROTOCOLS.includes(protocol)) errs.push(notSupported(`${pp}.protocol`, protocol, PROTOCOLS));
    const target = p['targetPort'];
    if (typeof target === 'number') errs.push(...portRangeErrors(`${pp}.targetPort`, target));
    else if (typeof target === 'string') for (const problem of isValidPortName(target)) errs.push(invalid(`${pp}.targetPort`, target, problem));
    const nodePort = numberAt(p, 'nodePort');
    if (nodePort !== undefined && nodePort !== 0) {
      if (type !== 'NodePort' && type !== 'LoadBalancer') errs.push(invalid(`${pp}.nodePort`, nodePort, 'may not be used when `type` is \'ClusterIP\''));
      else errs.push(...portRangeErrors(`${pp}.nodePort`, nodePort));
    }
  });
  errs.push(...validateLabels(spec?.['selector'], 'spec.selector'));
  return errs;
}

/**
 * A replace that leaves out allocated values keeps them (upstream's patchAllocatedValues):
 * cluster IPs and IP families while both versions need an IP, node ports by port name while
 * both need node ports. Without this `kubectl replace` of a saved manifest would fail.
 */
function keepAllocatedValues(obj: KubeObject, old: KubeObject): void {
  const spec = ensureRecord(obj as JsonRecord, 'spec');
  const oldSpec = recordAt(old, 'spec') ?? {};
  const type = stringAt(spec, 'type') || 'ClusterIP';
  const oldType = stringAt(oldSpec, 'type') || 'ClusterIP';
  if (type !== 'ExternalName' && oldType !== 'ExternalName') {
    for (const key of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy']) {
      const v = spec[key];
      const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
      if (empty && oldSpec[key] !== undefined) spec[key] = structuredClone(oldSpec[key]);
    }
  }
  const needsNodePorts = (t: string): boolean => t === 'NodePort' || t === 'LoadBalancer';
  if (needsNodePorts(type) && needsNodePorts(oldType)) {
    const oldPorts = recordsAt(oldSpec, 'ports');
    const stillUsed = new Set(recordsAt(spec, 'ports').map((p) => numberAt(p, 'nodePort')).filter((n) => n));
    const byName = new Map(oldPorts.map((p) => [stringAt(p, 'name') ?? '', numberAt(p, 'nodePort')] as const));
    for (const p of recordsAt(spec, 'ports')) {
      if (numberAt(p, 'nodePort')) continue;
      const previous = byName.get(stringAt(p, 'name') ?? '');
      if (previous && !stillUsed.has(previous)) p['nodePort'] = previous;
    }
  }
}

function clusterIPsOf(svc: KubeObject): string[] {
  const spec = recordAt(svc, 'spec');
  const ips = (arrayAt(spec, 'clusterIPs') ?? []).map(String);
  const ip = stringAt(spec, 'clusterIP');
  return ips.length > 0 ? ips : ip ? [ip] : [];
}

/** An assigned cluster IP is fixed, unless the service becomes (or stops being) ExternalName. */
function validateServiceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const type = stringAt(recordAt(obj, 'spec'), 'type');
  const oldType = stringAt(recordAt(old, 'spec'), 'type');
  if (type === 'ExternalName' || oldType === 'ExternalName') return [];
  const ips = clusterIPsOf(obj);
  const oldIPs = clusterIPsOf(old);
  if (ips[0] === 'None' && oldIPs[0] === 'None') return [];
  const rendered = new RenderedValue(`[]string{${ips.map((ip) => JSON.stringify(ip)).join(', ')}}`);
  if (oldIPs.length > 0 && ips.length === 0) return [invalid('spec.clusterIPs[0]', rendered, 'primary clusterIP can not be unset')];
  return oldIPs.flatMap((ip, i) => (ips[i] !== undefined && ips[i] !== ip ? [invalid(`spec.clusterIPs[${i}]`, rendered, 'may not change once set')] : []));
}

function externalIP(svc: KubeObject): string {
  const spec = recordAt(svc, 'spec');
  const externalIPs = (arrayAt(spec, 'externalIPs') ?? []).map(String);
  switch (stringAt(spec, 'type') ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = recordsAt(recordAt(recordAt(svc, 'status'), 'loadBalancer'), 'ingress')
        .map((i) => stringAt(i, 'ip') || stringAt(i, 'hostname') || '').filter((s) => s !== '');
      const all = [...ingress, ...externalIPs];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return stringAt(spec, 'externalName') ?? '';
    default:
      return '<unknown>';
  }
}

export function servicePorts(svc: KubeObject): string {
  const ports = recordsAt(recordAt(svc, 'spec'), 'ports');
  if (ports.length === 0) return '<none>';
  return ports.map((p) => {
    const nodePort = numberAt(p, 'nodePort');
    const protocol = stringAt(p, 'protocol') ?? 'TCP';
    return nodePort ? `${String(p['port'])}:${nodePort}/${protocol}` : `${String(p['port'])}/${protocol}`;
  }).join(',');
}

function serviceRow(svc: KubeObject, ctx: StrategyContext): unknown[] {
  const spec = recordAt(svc, 'spec');
  return [
    nameOf(svc), stringAt(spec, 'type') ?? 'ClusterIP', String((arrayAt(spec, 'clusterIPs') ?? [])[0] ?? '') || stringAt(spec, 'clusterIP') || '<none>', externalIP(svc), servicePorts(svc),
    ageOf(createdAt(svc), ctx.now), formatLabels(spec?.['selector']),
  ];
}

export const services = defineResource({
  group: '', version: 'v1', kind: 'Service', plural: 'services', shortNames: ['svc'], categories: ['all'], namespaced: true,
  subresources: ['status'],
  schemaName: 'io.k8s.api.core.v1.Service',
  strategy: makeStrategy({
    nameRule: 'dns1035',
    hasStatus: true,
    usesGeneration: false,
    initialStatus: () => ({ loadBalancer: {} }),
    prepareForUpdate: keepAllocatedValues,
    defaults: defaultService,
    validate: validateService,
    validateUpdate: validateServiceUpdate,
  }),
  columns: [
    nameColumn,
    column('Type', 'The type of the service: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    column('Cluster-IP', 'The IP address of the service inside the cluster.'),
    column('External-IP', 'The addresses the service is reachable at from outside the cluster.'),
    column('Port(s)', 'The ports the service exposes.'),
    ageColumn,
    wide('Selector', 'Route service traffic to pods with label keys and values matching this selector.'),
  ],
  row: serviceRow,
});
