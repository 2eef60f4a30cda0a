/**
 * Validation of metadata common to every kind: name/generateName syntax, label and
 * annotation syntax, and the fields that may never change on update.
 */
import type { FieldError, KubeObject } from '../types.js';
import { forbidden, immutable, invalid, required } from './field-errors.js';
import { isRecord } from './json.js';
import { isQualifiedName, isValidLabelValue, nameProblems, type NameRule } from './names.js';

const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateLabels(labels: unknown, field: string): FieldError[] {
  if (labels === undefined || labels === null) return [];
  if (!isRecord(labels)) return [invalid(field, labels, 'must be a map of string keys to string values')];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    for (const p of isQualifiedName(k)) errs.push(invalid(field, k, p));
    if (typeof v !== 'string') errs.push(invalid(`${field}.${k}`, v, 'must be a string'));
    else for (const p of isValidLabelValue(v)) errs.push(invalid(field, v, p));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, field: string): FieldError[] {
  if (annotations === undefined || annotations === null) return [];
  if (!isRecord(annotations)) return [invalid(field, annotations, 'must be a map of string keys to string values')];
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const p of isQualifiedName(k.toLowerCase())) errs.push(invalid(field, k, p));
    size += k.length + (typeof v === 'string' ? v.length : 0);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
    errs.push({ field, type: 'FieldValueTooLong', message: `Too long: may not be more than ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes` });
  }
  return errs;
}

/** Validates metadata.name (or generateName), labels and annotations of a new or updated object. */
export function validateObjectMeta(obj: KubeObject, rule: NameRule): FieldError[] {
  const meta = obj.metadata ?? {};
  const errs: FieldError[] = [];
  const name = meta.name;
  const generateName = meta.generateName;
  if (typeof name === 'string' && name !== '') {
    for (const p of nameProblems(rule, name)) errs.push(invalid('metadata.name', name, p));
  } else if (typeof generateName === 'string' && generateName !== '') {
    // A generated name appends 5 characters; the prefix itself must already be a valid start.
    const candidate = generateName.replace(/-+$/, '') || generateName;
    for (const p of nameProblems(rule, candidate)) errs.push(invalid('metadata.generateName', generateName, p));
  } else {
    errs.push(required('metadata.name', 'name or generateName is required'));
  }
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  return errs;
}

/** Name, namespace and uid never change; the rest of metadata is validated as on create. */
export function validateObjectMetaUpdate(obj: KubeObject, old: KubeObject, rule: NameRule): FieldError[] {
  const errs = validateObjectMeta(obj, rule);
  const meta = obj.metadata ?? {};
  const oldMeta = old.metadata ?? {};
  if (meta.name !== oldMeta.name) errs.push(immutable('metadata.name', meta.name));
  if ((meta.namespace ?? '') !== (oldMeta.namespace ?? '')) errs.push(immutable('metadata.namespace', meta.namespace));
  if (oldMeta.uid !== undefined && meta.uid !== undefined && meta.uid !== oldMeta.uid) errs.push(immutable('metadata.uid', meta.uid));
  if (oldMeta.creationTimestamp && meta.creationTimestamp && meta.creationTimestamp !== oldMeta.creationTimestamp) {
    errs.push(immutable('metadata.creationTimestamp', meta.creationTimestamp));
  }
  if (oldMeta.deletionTimestamp && meta.deletionTimestamp === undefined) {
    errs.push(forbidden('metadata.deletionTimestamp', 'field is immutable; may only be changed via deletion'));
  }
  return errs;
}
