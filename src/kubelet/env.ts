/**
 * A container's environment as the kubelet builds it: envFrom sources first (in order, later
 * ones winning, keys prefixed), then `env` entries, which may refer to earlier ones with
 * $(VAR) (and $$ escapes) and take values from the pod's fields, its resources, ConfigMaps
 * and Secrets. Pure: object lookups come in through `EnvSources`.
 */
import { Quantity } from '../machinery/quantity.js';
import type { ContainerSpec, Pod } from './pod-types.js';

export interface EnvSources {
  /** A ConfigMap's data, or undefined when it does not exist. */
  configMap(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** A Secret's data, decoded, or undefined when it does not exist. */
  secret(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** Service-account tokens and the cluster CA for projected volumes (tokens.ts). */
  tokens?: TokenSource;
}

export interface TokenSource {
  /** A token for the pod's service account (TokenRequest), or undefined when the API serves none. */
  serviceAccountToken(o: { namespace: string; serviceAccount: string; pod: { name: string; uid: string }; path: string; audience?: string; expirationSeconds?: number }): Promise<string | undefined>;
  /** The cluster CA (PEM) the agent trusts, for a missing kube-root-ca.crt ConfigMap. */
  clusterCA(): string | undefined;
}

export interface PodRuntimeFacts { podIP?: string; hostIP?: string; nodeName: string }

/** Raised for a missing, non-optional reference (the kubelet's CreateContainerConfigError). */
export class EnvConfigError extends Error {}

/** Expands $(NAME) from the map; unknown names stay as written; $$ is a literal $. */
export function expandVars(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name: string | undefined) => {
    if (whole === '$$') return '$';
    return name !== undefined && vars.has(name) ? vars.get(name)! : whole;
  });
}

export function fieldRefValue(pod: Pod, facts: PodRuntimeFacts, fieldPath: string): string {
  const m = pod.metadata ?? {};
  const annotation = /^metadata\.annotations\['(.+)'\]$/.exec(fieldPath);
  if (annotation) return m.annotations?.[annotation[1]!] ?? '';
  const label = /^metadata\.labels\['(.+)'\]$/.exec(fieldPath);
  if (label) return m.labels?.[label[1]!] ?? '';
  switch (fieldPath) {
    case 'metadata.name': return m.name ?? '';
    case 'metadata.namespace': return m.namespace ?? '';
    case 'metadata.uid': return m.uid ?? '';
    case 'spec.nodeName': return pod.spec.nodeName ?? facts.nodeName;
    case 'spec.serviceAccountName': return pod.spec.serviceAccountName ?? '';
    case 'status.podIP': case 'status.podIPs': return facts.podIP ?? '';
    case 'status.hostIP': case 'status.hostIPs': return facts.hostIP ?? '';
    default: throw new EnvConfigError(`unsupported fieldPath: ${fieldPath}`);
  }
}

/** requests/limits.cpu|memory|ephemeral-storage, divided and rounded up as the kubelet does. */
export function resourceFieldValue(container: ContainerSpec, resource: string, divisor = '1', machine: { cpus: number; memoryBytes: number }): string {
  const [kind, name] = resource.split('.') as [string, string | undefined];
  if (!name || (kind !== 'limits' && kind !== 'requests')) throw new EnvConfigError(`unsupported resource: ${resource}`);
  const text = container.resources?.[kind]?.[name];
  const div = Quantity.must(divisor);
  if (name === 'cpu') {
    const milli = text ? Quantity.must(text).milliValue() : kind === 'limits' ? machine.cpus * 1000 : 0;
    return String(Math.max(kind === 'limits' || milli > 0 ? 1 : 0, Math.ceil(milli / div.milliValue())));
  }
  const bytes = text ? Quantity.must(text).value() : kind === 'limits' && name === 'memory' ? machine.memoryBytes : 0;
  return String(Math.ceil(bytes / div.value()));
}

const validEnvName = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export async function containerEnv(pod: Pod, container: ContainerSpec, facts: PodRuntimeFacts, sources: EnvSources, machine: { cpus: number; memoryBytes: number }): Promise<string[]> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const vars = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const kind = from.configMapRef ? 'configmap' : 'secret';
    const data = from.configMapRef ? await sources.configMap(namespace, ref.name) : await sources.secret(namespace, ref.name);
    if (!data) {
      if (ref.optional) continue;
      throw new EnvConfigError(`${kind} "${ref.name}" not found`);
    }
    for (const [k, v] of Object.entries(data)) {
      const key = `${from.prefix ?? ''}${k}`;
      if (validEnvName.test(key)) vars.set(key, v);
    }
  }
  for (const e of container.env ?? []) {
    const from = e.valueFrom;
    let value: string | undefined;
    if (!from) value = expandVars(e.value ?? '', vars);
    else if (from.fieldRef) value = fieldRefValue(pod, facts, from.fieldRef.fieldPath);
    else if (from.resourceFieldRef) {
      const target = from.resourceFieldRef.containerName ? pod.spec.containers.find((c) => c.name === from.resourceFieldRef!.containerName) ?? container : container;
      value = resourceFieldValue(target, from.resourceFieldRef.resource, from.resourceFieldRef.divisor, machine);
    } else if (from.configMapKeyRef || from.secretKeyRef) {
      const ref = (from.configMapKeyRef ?? from.secretKeyRef)!;
      const kind = from.configMapKeyRef ? 'configmap' : 'secret';
      const data = from.configMapKeyRef ? await sources.configMap(namespace, ref.name) : await sources.secret(namespace, ref.name);
      if (!data) {
        if (ref.optional) continue;
        throw new EnvConfigError(`${kind} "${ref.name}" not found`);
      }
      if (!(ref.key in data)) {
        if (ref.optional) continue;
        throw new EnvConfigError(`couldn't find key ${ref.key} in ${kind === 'configmap' ? 'ConfigMap' : 'Secret'} ${namespace}/${ref.name}`);
      }
      value = data[ref.key];
    }
    vars.set(e.name, value ?? '');
  }
  return [...vars].map(([k, v]) => `${k}=${v}`);
}
