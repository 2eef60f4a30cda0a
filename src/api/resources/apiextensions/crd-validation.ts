/** Validation of CustomResourceDefinition objects (upstream apiextensions validation, common cases). */
import type { FieldError, KubeObject } from '../../types.js';
import { duplicate, immutable, invalid, notSupported, required } from '../../meta/field-errors.js';
import { arrayAt, isRecord, recordAt, recordsAt, stringAt, type JsonRecord } from '../../meta/json.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../../meta/names.js';

const SCOPES = ['Cluster', 'Namespaced'];
const PRINTER_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const SCHEMA_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];

function lowerNameProblems(value: string, field: string, errs: FieldError[]): void {
  const problems = isDNS1035Label(value);
  if (problems.length > 0) errs.push(invalid(field, value, problems.join(',')));
}

/** Kinds may be CamelCase but must otherwise be DNS-1035 labels. */
function kindProblems(value: string, field: string, errs: FieldError[]): void {
  const problems = isDNS1035Label(value.toLowerCase());
  if (problems.length > 0) errs.push(invalid(field, value, `may have mixed case, but should otherwise match: ${problems.join(',')}`));
}

function validateNames(names: JsonRecord | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const plural = stringAt(names, 'plural');
  if (!plural) errs.push(required(`${path}.plural`));
  else lowerNameProblems(plural, `${path}.plural`, errs);
  const singular = stringAt(names, 'singular');
  if (singular) lowerNameProblems(singular, `${path}.singular`, errs);
  const kind = stringAt(names, 'kind');
  if (!kind) errs.push(required(`${path}.kind`));
  else kindProblems(kind, `${path}.kind`, errs);
  const listKind = stringAt(names, 'listKind');
  if (listKind) kindProblems(listKind, `${path}.listKind`, errs);
  if (listKind !== undefined && listKind === kind) errs.push(invalid(`${path}.listKind`, listKind, 'kind and listKind may not be the same'));
  (arrayAt(names, 'shortNames') ?? []).forEach((s, i) => {
    for (const p of isDNS1035Label(String(s))) errs.push(invalid(`${path}.shortNames[${i}]`, s, p));
  });
  return errs;
}

/** Structural-schema basics: a typed object root, and a type on every node that declares properties. */
function validateSchemaNode(node: unknown, path: string, errs: FieldError[], isRoot: boolean): void {
  if (!isRecord(node)) return;
  const type = stringAt(node, 'type');
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true || node['x-kubernetes-int-or-string'] === true;
  if (isRoot && type !== 'object') errs.push(type === undefined ? required(`${path}.type`, 'must not be empty at the root') : invalid(`${path}.type`, type, 'must be object at the root'));
  else if (type === undefined && !preserve) errs.push(required(`${path}.type`, 'must not be empty for specified object fields'));
  if (type !== undefined && !SCHEMA_TYPES.includes(type)) errs.push(notSupported(`${path}.type`, type, SCHEMA_TYPES));
  const props = recordAt(node, 'properties');
  for (const [k, v] of Object.entries(props ?? {})) validateSchemaNode(v, `${path}.properties[${k}]`, errs, false);
  if (isRecord(node['items'])) validateSchemaNode(node['items'], `${path}.items`, errs, false);
  if (isRecord(node['additionalProperties'])) validateSchemaNode(node['additionalProperties'], `${path}.additionalProperties`, errs, false);
}

function validateVersions(versions: JsonRecord[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (versions.length === 0) return [invalid(path, [], 'must have exactly one version marked as storage version')];
  const seen = new Set<string>();
  let storage = 0;
  versions.forEach((v, i) => {
    const vp = `${path}[${i}]`;
    const name = stringAt(v, 'name');
    if (!name) errs.push(required(`${vp}.name`));
    else {
      for (const p of isDNS1035Label(name)) errs.push(invalid(`${vp}.name`, name, p));
      if (seen.has(name)) errs.push(duplicate(`${vp}.name`, name));
      seen.add(name);
    }
    if (v['storage'] === true) storage++;
    const schema = recordAt(recordAt(v, 'schema'), 'openAPIV3Schema');
    if (!schema) errs.push(required(`${vp}.schema.openAPIV3Schema`, 'schemas are required'));
    else validateSchemaNode(schema, `${vp}.schema.openAPIV3Schema`, errs, true);
    recordsAt(v, 'additionalPrinterColumns').forEach((c, j) => {
      const cp = `${vp}.additionalPrinterColumns[${j}]`;
      if (!stringAt(c, 'name')) errs.push(required(`${cp}.name`));
      const type = stringAt(c, 'type');
      if (!type) errs.push(required(`${cp}.type`));
      else if (!PRINTER_TYPES.includes(type)) errs.push(notSupported(`${cp}.type`, type, PRINTER_TYPES));
      if (!stringAt(c, 'jsonPath')) errs.push(required(`${cp}.JSONPath`));
    });
  });
  if (storage !== 1) errs.push(invalid(path, versions.map((v) => stringAt(v, 'name') ?? ''), 'must have exactly one version marked as storage version'));
  if (!versions.some((v) => v['served'] === true)) errs.push(invalid(path, versions.map((v) => stringAt(v, 'name') ?? ''), 'must have at least one served version'));
  return errs;
}

export function validateCRD(crd: KubeObject): FieldError[] {
  const spec = recordAt(crd, 'spec');
  const errs: FieldError[] = [];
  const group = stringAt(spec, 'group');
  const plural = stringAt(recordAt(spec, 'names'), 'plural');
  if (!group) errs.push(required('spec.group'));
  else {
    for (const p of isDNS1123Subdomain(group)) errs.push(invalid('spec.group', group, p));
    if (!group.includes('.')) errs.push(invalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  const name = crd.metadata?.name;
  if (name && group && plural && name !== `${plural}.${group}`) errs.push(invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  const scope = stringAt(spec, 'scope');
  if (!scope) errs.push(required('spec.scope'));
  else if (!SCOPES.includes(scope)) errs.push(notSupported('spec.scope', scope, SCOPES));
  errs.push(...validateNames(recordAt(spec, 'names'), 'spec.names'));
  errs.push(...validateVersions(recordsAt(spec, 'versions'), 'spec.versions'));
  return errs;
}

export function validateCRDUpdate(crd: KubeObject, old: KubeObject): FieldError[] {
  const scope = stringAt(recordAt(crd, 'spec'), 'scope');
  const oldScope = stringAt(recordAt(old, 'spec'), 'scope');
  return scope !== oldScope ? [immutable('spec.scope', scope ?? '')] : [];
}
