/**
 * Builds upstream-shaped component schemas from the client-node model classes, on demand and
 * memoized: `get('io.k8s.api.core.v1.Pod')` converts V1Pod and nothing else; the components it
 * refers to are built when they are asked for in turn. Fields referring to other components
 * use `allOf: [{ $ref }]`, as upstream's v3 documents do.
 */
import type { OpenApiSchema } from '../openapi-types.js';
import { refName } from '../openapi-types.js';
import type { ClientModels, ModelField } from './client-models.js';
import type { ComponentNames } from './component-names.js';
import { LIST_METADATA_DESCRIPTION, writtenDescription } from './field-descriptions.js';
import { FIELD_ENUMS } from './enums.js';
import { ATOMIC_STRUCTS, patchMetadataFor } from './patch-metadata.js';
import { SPECIAL_COMPONENTS } from './special-components.js';
import { ANY_FIELD_COMPONENTS, FIELD_DEFAULTS, QUANTITY_FIELDS, RAW_EXTENSION, quantityComponent } from './type-overrides.js';

const REF_PREFIX = '#/components/schemas/';
const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

export function ref(name: string): OpenApiSchema {
  return { $ref: REF_PREFIX + name };
}

export class BuiltinComponents {
  private readonly built = new Map<string, OpenApiSchema | null>();

  constructor(private readonly models: ClientModels, private readonly names: ComponentNames) {}

  /** The component schema, or undefined when no model class or special type has that name. */
  get(name: string): OpenApiSchema | undefined {
    const cached = this.built.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const schema = SPECIAL_COMPONENTS[name] ?? this.fromModel(name);
    this.built.set(name, schema ?? null);
    return schema;
  }

  private fromModel(name: string): OpenApiSchema | undefined {
    const cls = this.names.classOf(name);
    const model = cls ? this.models.read(cls) : undefined;
    if (!cls || !model) return undefined;
    const short = name.slice(name.lastIndexOf('.') + 1);
    const owner = short.replace(/(Spec|Status)$/, '');
    const properties: Record<string, OpenApiSchema> = {};
    const required: string[] = [];
    for (const field of model.fields) {
      const schema = this.fieldSchema(cls, field);
      const description = fieldOwnDescription(field) ?? this.fallbackDescription(cls, owner, field, schema);
      const key = `${cls}.${field.jsonName}`;
      const values = FIELD_ENUMS[key];
      properties[field.jsonName] = {
        ...schema,
        ...(key in FIELD_DEFAULTS ? { default: FIELD_DEFAULTS[key] } : {}),
        ...(values ? { enum: [...values] } : {}),
        ...(description ? { description } : {}),
        ...patchMetadataFor(name, field.jsonName),
      };
      if (field.required) required.push(field.jsonName);
    }
    return {
      type: 'object',
      ...(model.description ? { description: model.description } : {}),
      properties,
      ...(required.length > 0 ? { required } : {}),
      ...(ATOMIC_STRUCTS.has(name) ? { 'x-kubernetes-map-type': 'atomic' as const } : {}),
    };
  }

  private fallbackDescription(cls: string, owner: string, field: ModelField, schema: OpenApiSchema): string | undefined {
    if (field.jsonName === 'metadata' && field.tsType === 'V1ListMeta') return LIST_METADATA_DESCRIPTION;
    const written = writtenDescription(cls, owner, field.jsonName);
    if (written) return written;
    // Last resort: describe the field by the type it refers to.
    const target = firstRef(schema);
    return target ? this.typeDescription(target) : undefined;
  }

  /** A component's own description, read without building it (schemas may be recursive). */
  private typeDescription(name: string): string | undefined {
    const special = SPECIAL_COMPONENTS[name];
    if (special) return special.description;
    const cls = this.names.classOf(name);
    return cls ? this.models.read(cls)?.description : undefined;
  }

  /** Schema of one field from its generated TypeScript type. */
  private fieldSchema(cls: string, field: ModelField): OpenApiSchema {
    const key = `${cls}.${field.jsonName}`;
    if (QUANTITY_FIELDS.has(key)) {
      return field.tsType.startsWith('{')
        ? { type: 'object', additionalProperties: { allOf: [ref(quantityComponent())] } }
        : { allOf: [ref(quantityComponent())] };
    }
    return this.typeSchema(field.tsType, field.format, key);
  }

  private typeSchema(tsType: string, format: string, key: string): OpenApiSchema {
    const t = tsType.trim();
    const array = /^Array<(.+)>$/.exec(t);
    if (array?.[1]) return { type: 'array', items: this.typeSchema(array[1], format, key) };
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(t);
    if (map?.[1]) return { type: 'object', additionalProperties: this.typeSchema(map[1], format, key) };
    switch (t) {
      case 'string':
        return format === 'byte' ? { type: 'string', format: 'byte' } : { type: 'string' };
      case 'boolean':
        return { type: 'boolean' };
      case 'number':
        if (format === 'int32' || format === 'int64') return { type: 'integer', format };
        return format ? { type: 'number', format } : { type: 'number' };
      case 'V1MicroTime':
        return { allOf: [ref(MICRO_TIME)] };
      case 'Date':
        return { allOf: [ref(format === 'date-time-micro' ? MICRO_TIME : TIME)] };
      case 'IntOrString':
        return { allOf: [ref(INT_OR_STRING)] };
      case 'any':
      case 'object':
        return { allOf: [ref(ANY_FIELD_COMPONENTS[key] ?? RAW_EXTENSION)] };
      default: {
        const target = this.names.componentOf(t);
        return target ? { allOf: [ref(target)] } : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
      }
    }
  }
}

/**
 * The dependency's description of a field, unless it is the generic text of the field's type
 * (the generator writes that for IntOrString and MicroTime fields instead of the field's own).
 */
function fieldOwnDescription(field: ModelField): string | undefined {
  const text = field.description;
  if (!text || text.startsWith('IntOrString is a type that can hold') || text.startsWith('MicroTime is version of Time')) return undefined;
  return text;
}

/** The component a field schema points at (through allOf, items or additionalProperties). */
function firstRef(schema: OpenApiSchema): string | undefined {
  if (schema.$ref) return refName(schema.$ref);
  for (const sub of schema.allOf ?? []) {
    const r = firstRef(sub);
    if (r) return r;
  }
  if (schema.items) return firstRef(schema.items);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') return firstRef(schema.additionalProperties);
  return undefined;
}

/** Every component name referenced anywhere inside a schema. */
export function referencedComponents(schema: OpenApiSchema, out: Set<string> = new Set()): Set<string> {
  if (schema.$ref) out.add(refName(schema.$ref));
  for (const sub of schema.allOf ?? []) referencedComponents(sub, out);
  for (const sub of (schema as { oneOf?: OpenApiSchema[] }).oneOf ?? []) referencedComponents(sub, out);
  for (const prop of Object.values(schema.properties ?? {})) referencedComponents(prop, out);
  if (schema.items) referencedComponents(schema.items, out);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') referencedComponents(schema.additionalProperties, out);
  return out;
}
