/**
 * Reading `-f` arguments as kubectl does: files, directories (their .yaml/.yml/.json files in
 * name order, recursively with -R), `-` for stdin; multi-document YAML and JSON; `*List`
 * objects expanded into their items.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../api/types.js';
import type { IO } from './factory.js';

export interface Manifest {
  /** The file name as the user gave it (or `STDIN`), used in messages. */
  source: string;
  object: KubeObject;
}

const manifestExtensions = new Set(['.yaml', '.yml', '.json']);

function listFiles(path: string, recursive: boolean, top: boolean): string[] {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new Error(`the path "${path}" does not exist`);
  if (!st.isDirectory()) return top || manifestExtensions.has(extname(path)) ? [path] : [];
  const out: string[] = [];
  for (const name of readdirSync(path).sort()) {
    const p = join(path, name);
    const s = statSync(p);
    if (s.isDirectory()) { if (recursive) out.push(...listFiles(p, recursive, false)); }
    else if (manifestExtensions.has(extname(name))) out.push(p);
  }
  return out;
}

/** Parses one file's text into objects (YAML documents or one JSON value). */
export function parseManifestText(text: string, source: string): KubeObject[] {
  const objects: KubeObject[] = [];
  const trimmed = text.trimStart();
  const values: unknown[] = [];
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      values.push(JSON.parse(trimmed));
    } catch {
      // Not one JSON value: fall through to YAML, which also reads JSON documents.
      values.length = 0;
    }
  }
  if (values.length === 0) {
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new Error(`error parsing ${source}: ${doc.errors[0]?.message ?? 'invalid YAML'}`);
      const v: unknown = doc.toJS();
      if (v !== null && v !== undefined) values.push(v);
    }
  }
  for (const v of values) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`error validating "${source}": error validating data: invalid object`);
    const obj = v as KubeObject;
    if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj['items'])) {
      for (const item of obj['items'] as unknown[]) objects.push(item as KubeObject);
    } else {
      objects.push(obj);
    }
  }
  for (const obj of objects) {
    if (!obj.kind) throw new Error(`error validating "${source}": error validating data: kind not set`);
    if (!obj.apiVersion) throw new Error(`error validating "${source}": error validating data: apiVersion not set`);
  }
  return objects;
}

export async function readManifests(paths: readonly string[], io: IO, opts: { recursive?: boolean; verb: string }): Promise<Manifest[]> {
  const recursive = opts.recursive ?? false;
  const out: Manifest[] = [];
  for (const p of paths) {
    if (p === '-') {
      const text = await io.readStdin();
      for (const object of parseManifestText(text, 'STDIN')) out.push({ source: 'STDIN', object });
      continue;
    }
    for (const file of listFiles(p, recursive, true)) {
      for (const object of parseManifestText(readFileSync(file, 'utf8'), file)) out.push({ source: file, object });
    }
  }
  if (out.length === 0) throw new Error(`no objects passed to ${opts.verb}`);
  return out;
}
