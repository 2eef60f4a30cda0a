/**
 * The `paths` section of one group/version document: for every resource, the collection and
 * item paths (plus `status` and `scale` subresources) with the operations its verbs allow.
 * kubectl reads two things here: the `x-kubernetes-group-version-kind` of a resource's
 * get/post (for `explain`), and a PATCH carrying the `fieldValidation` query parameter (to
 * leave field validation to the server). Everything else is for other OpenAPI clients.
 */
import type { GroupVersionKind, ResourceType } from '../types.js';
import { ref } from './components.js';

type Operation = Record<string, unknown>;
type PathItem = Record<string, unknown>;

export const STATUS_COMPONENT = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
export const DELETE_OPTIONS_COMPONENT = 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions';
export const PATCH_COMPONENT = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';
export const SCALE_COMPONENT = 'io.k8s.api.autoscaling.v1.Scale';
export const SCALE_GVK: GroupVersionKind = { group: 'autoscaling', version: 'v1', kind: 'Scale' };

function query(name: string, type: 'string' | 'boolean' | 'integer', description: string): Operation {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

const DRY_RUN = query('dryRun', 'string', 'When present, the change is validated and defaulted but not persisted. The only accepted value is All.');
const FIELD_MANAGER = query('fieldManager', 'string', 'Name of the actor making the change, recorded in managedFields.');
const FIELD_VALIDATION = query('fieldValidation', 'string', 'How the server treats unknown or duplicate fields in the body: Ignore drops them, Warn drops them and returns a Warning header for each, Strict rejects the request.');
const FORCE = query('force', 'boolean', 'Apply only: take ownership of fields other managers own instead of failing with a conflict.');
const PRETTY = query('pretty', 'string', 'When true, the output is indented.');
const LIST_PARAMS = [
  query('labelSelector', 'string', 'Only return objects whose labels match this selector.'),
  query('fieldSelector', 'string', 'Only return objects whose fields match this selector.'),
  query('limit', 'integer', 'The most items to return; the rest is reachable through the continue token.'),
  query('continue', 'string', 'The continue token of the previous page.'),
  query('resourceVersion', 'string', 'Serve the list at or after this resource version; for watch, send changes after it.'),
  query('watch', 'boolean', 'Stream changes as watch events instead of returning a list.'),
  query('timeoutSeconds', 'integer', 'End the list or watch call after this many seconds.'),
  query('allowWatchBookmarks', 'boolean', 'Allow BOOKMARK events on a watch.'),
];

function pathParam(name: string, description: string): Operation {
  return { name, in: 'path', required: true, description, schema: { type: 'string', uniqueItems: true } };
}

function json(schemaName: string): Operation {
  const schema = ref(schemaName);
  return { 'application/json': { schema }, 'application/yaml': { schema } };
}

function response(description: string, schemaName: string): Operation {
  return { description, content: json(schemaName) };
}

function gvkObject(gvk: GroupVersionKind): Operation {
  return { group: gvk.group, kind: gvk.kind, version: gvk.version };
}

interface OperationSpec {
  readonly id: string;
  readonly action: string;
  readonly gvk: GroupVersionKind;
  readonly description: string;
}

function operation(spec: OperationSpec, extra: Operation): Operation {
  return {
    description: spec.description,
    operationId: spec.id,
    ...extra,
    'x-kubernetes-action': spec.action,
    'x-kubernetes-group-version-kind': gvkObject(spec.gvk),
  };
}

function writeOperation(spec: OperationSpec, schemaName: string, created: boolean): Operation {
  return operation(spec, {
    parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
    requestBody: { required: true, content: json(schemaName) },
    responses: {
      '200': response('OK', schemaName),
      ...(created ? { '201': response('Created', schemaName), '202': response('Accepted', schemaName) } : {}),
    },
  });
}

function patchOperation(spec: OperationSpec, schemaName: string): Operation {
  const body = { schema: ref(PATCH_COMPONENT) };
  return operation(spec, {
    parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE],
    requestBody: {
      required: true,
      content: {
        'application/json-patch+json': body,
        'application/merge-patch+json': body,
        'application/strategic-merge-patch+json': body,
        'application/apply-patch+yaml': body,
      },
    },
    responses: { '200': response('OK', schemaName), '201': response('Created', schemaName) },
  });
}

/** `Pod` -> `Namespaced` / `` operation-id fragments in upstream's style (listNamespacedPod). */
function idPart(r: ResourceType): string {
  return r.namespaced ? 'Namespaced' : '';
}

/** The list component of a kind component: `...v1.Pod` -> `...v1.PodList`. */
export function listComponentName(r: ResourceType): string {
  const dot = r.schemaName.lastIndexOf('.');
  return `${r.schemaName.slice(0, dot + 1)}${r.listKind}`;
}

/** Builds every path of the resources of one group/version. */
export function buildPaths(resources: readonly ResourceType[]): Record<string, PathItem> {
  const paths: Record<string, PathItem> = {};
  for (const r of resources) {
    const prefix = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
    const gvk: GroupVersionKind = { group: r.group, version: r.version, kind: r.kind };
    const listGvk: GroupVersionKind = { ...gvk, kind: r.listKind };
    const ns = r.namespaced ? [pathParam('namespace', 'The object\'s namespace.')] : [];
    const collection = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}` : `${prefix}/${r.plural}`;
    const item = `${collection}/{name}`;
    const name = pathParam('name', `Name of the ${r.kind}.`);
    const verbs = new Set(r.verbs);
    const listName = listComponentName(r);

    const coll: PathItem = { parameters: [...ns, PRETTY] };
    if (verbs.has('list')) {
      coll['get'] = operation(
        { id: `list${idPart(r)}${r.kind}`, action: 'list', gvk, description: `list or watch objects of kind ${r.kind}` },
        { parameters: LIST_PARAMS, responses: { '200': response('OK', listName) } },
      );
    }
    if (verbs.has('create')) {
      coll['post'] = writeOperation({ id: `create${idPart(r)}${r.kind}`, action: 'post', gvk, description: `create a ${r.kind}` }, r.schemaName, true);
    }
    if (verbs.has('deletecollection')) {
      coll['delete'] = operation(
        { id: `deleteCollection${idPart(r)}${r.kind}`, action: 'deletecollection', gvk, description: `delete collection of ${r.kind}` },
        { parameters: [...LIST_PARAMS.slice(0, 5), DRY_RUN], responses: { '200': response('OK', STATUS_COMPONENT) } },
      );
    }
    if (Object.keys(coll).length > 1) paths[collection] = coll;

    const one: PathItem = { parameters: [name, ...ns, PRETTY] };
    if (verbs.has('get')) {
      one['get'] = operation({ id: `read${idPart(r)}${r.kind}`, action: 'get', gvk, description: `read the specified ${r.kind}` }, { responses: { '200': response('OK', r.schemaName) } });
    }
    if (verbs.has('update')) {
      one['put'] = writeOperation({ id: `replace${idPart(r)}${r.kind}`, action: 'put', gvk, description: `replace the specified ${r.kind}` }, r.schemaName, true);
    }
    if (verbs.has('patch')) {
      one['patch'] = patchOperation({ id: `patch${idPart(r)}${r.kind}`, action: 'patch', gvk, description: `partially update the specified ${r.kind}` }, r.schemaName);
    }
    if (verbs.has('delete')) {
      one['delete'] = operation(
        { id: `delete${idPart(r)}${r.kind}`, action: 'delete', gvk, description: `delete a ${r.kind}` },
        {
          parameters: [DRY_RUN, query('gracePeriodSeconds', 'integer', 'Seconds the object may take to terminate.'), query('propagationPolicy', 'string', 'Orphan, Background or Foreground: what happens to dependents.')],
          requestBody: { content: json(DELETE_OPTIONS_COMPONENT) },
          responses: { '200': response('OK', r.schemaName), '202': response('Accepted', r.schemaName) },
        },
      );
    }
    if (Object.keys(one).length > 1) paths[item] = one;

    if (r.namespaced && verbs.has('list')) {
      paths[`${prefix}/${r.plural}`] = {
        parameters: [PRETTY],
        get: operation({ id: `list${r.kind}ForAllNamespaces`, action: 'list', gvk, description: `list or watch objects of kind ${r.kind} in every namespace` }, { parameters: LIST_PARAMS, responses: { '200': response('OK', listName) } }),
      };
    }
    for (const sub of r.subresources) {
      if (sub !== 'status' && sub !== 'scale') continue;
      const subGvk = sub === 'scale' ? SCALE_GVK : gvk;
      const schemaName = sub === 'scale' ? SCALE_COMPONENT : r.schemaName;
      const cap = sub === 'scale' ? 'Scale' : 'Status';
      paths[`${item}/${sub}`] = {
        parameters: [name, ...ns, PRETTY],
        get: operation({ id: `read${idPart(r)}${r.kind}${cap}`, action: 'get', gvk: subGvk, description: `read ${sub} of the specified ${r.kind}` }, { responses: { '200': response('OK', schemaName) } }),
        put: writeOperation({ id: `replace${idPart(r)}${r.kind}${cap}`, action: 'put', gvk: subGvk, description: `replace ${sub} of the specified ${r.kind}` }, schemaName, true),
        patch: patchOperation({ id: `patch${idPart(r)}${r.kind}${cap}`, action: 'patch', gvk: subGvk, description: `partially update ${sub} of the specified ${r.kind}` }, schemaName),
      };
    }
  }
  return paths;
}
