/**
 * Reads the model classes that @kubernetes/client-node ships (dist/gen/models): the JSON field
 * names, types and formats from each `<Class>.js` attributeTypeMap, and the upstream field
 * descriptions and required-ness from the doc comments and `?` marks of `<Class>.d.ts`.
 * Reading is synchronous and memoized; nothing runs until a schema is first asked for, so the
 * API server's startup does not pay for it.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ModelField {
  /** Name on the wire (`continue`, not the generated `_continue`). */
  readonly jsonName: string;
  /** TypeScript type as the generator wrote it: `string`, `Array<V1Container>`, `{ [key: string]: string; }`. */
  readonly tsType: string;
  /** `int32`, `int64`, `date-time`, `date-time-micro`, `byte`, `double`, `int-or-string` or ''. */
  readonly format: string;
  readonly required: boolean;
  readonly description?: string;
}

export interface ModelInfo {
  readonly className: string;
  readonly description?: string;
  readonly fields: readonly ModelField[];
}

interface AttributeEntry { name: string; baseName: string; type: string; format: string }

/** Access to the generated model classes of one client-node installation. */
export class ClientModels {
  private readonly cache = new Map<string, ModelInfo | null>();
  private classNames: Set<string> | undefined;
  private canonical: Map<string, string> | undefined;

  constructor(private readonly genDir: string) {}

  /** Locates the installed @kubernetes/client-node package (resolved from this module). */
  static locate(): ClientModels {
    const entry = fileURLToPath(import.meta.resolve('@kubernetes/client-node'));
    const genDir = join(dirname(entry), 'gen');
    if (!existsSync(join(genDir, 'models'))) {
      throw new Error(`@kubernetes/client-node models not found under ${genDir}`);
    }
    return new ClientModels(genDir);
  }

  /** Every generated model class name (V1Pod, CoreV1Event, ...). */
  listClasses(): ReadonlySet<string> {
    if (!this.classNames) {
      this.classNames = new Set(
        readdirSync(join(this.genDir, 'models'))
          .filter((f) => f.endsWith('.d.ts') && /^[A-Z]/.test(f))
          .map((f) => f.slice(0, -'.d.ts'.length))
          .filter((name) => name !== 'ObjectSerializer' && name !== 'all'),
      );
    }
    return this.classNames;
  }

  has(className: string): boolean {
    return this.listClasses().has(className);
  }

  /** The listed class name equal to `className` (its own string), if there is one. */
  private canonicalName(className: string): string | undefined {
    this.canonical ??= new Map([...this.listClasses()].map((n) => [n, n]));
    return this.canonical.get(className);
  }

  read(className: string): ModelInfo | undefined {
    const cached = this.cache.get(className);
    if (cached !== undefined) return cached ?? undefined;
    const info = this.has(className) ? this.parse(className) : undefined;
    this.cache.set(className, info ?? null);
    return info;
  }

  /**
   * For every versioned API class (CoreV1Api, AppsV1Api, ...), the model classes its
   * operations send or receive. These are the "roots" that tell which API group a model
   * belongs to.
   */
  apiModelRoots(): Map<string, Set<string>> {
    const dir = join(this.genDir, 'apis');
    const out = new Map<string, Set<string>>();
    for (const file of readdirSync(dir)) {
      const m = /^([A-Za-z]+V\d+(?:alpha\d+|beta\d+)?)Api\.js$/.exec(file);
      if (!m?.[1]) continue;
      const text = readFileSync(join(dir, file), 'utf8');
      const models = new Set<string>();
      for (const hit of text.matchAll(/"((?:[A-Z][a-z]+)?V\d+(?:alpha\d+|beta\d+)?[A-Z][A-Za-z0-9]*)"/g)) {
        // The name as listClasses() holds it, not the match: a match is a slice that keeps
        // the whole file's text (hundreds of KB per API class, ~10 MB in all) alive.
        const name = hit[1] ? this.canonicalName(hit[1]) : undefined;
        if (name) models.add(name);
      }
      out.set(m[1], models);
    }
    return out;
  }

  private parse(className: string): ModelInfo {
    const js = readFileSync(join(this.genDir, 'models', `${className}.js`), 'utf8');
    const dts = readFileSync(join(this.genDir, 'models', `${className}.d.ts`), 'utf8');
    const start = js.indexOf('.attributeTypeMap = [');
    const attributes: AttributeEntry[] = [];
    if (start >= 0) {
      const open = js.indexOf('[', start);
      const close = js.indexOf('];', open);
      // Parsed from a copy: V8 may make the parsed strings slices of their source, and a
      // slice of `js` would keep every model file's whole text alive (~1.5 MB).
      attributes.push(...(JSON.parse(Buffer.from(js.slice(open, close + 1)).toString('utf8')) as AttributeEntry[]));
    }
    const declared = parseDeclarations(dts);
    const fields: ModelField[] = attributes.map((a) => {
      const decl = declared.fields.get(a.name);
      return {
        jsonName: a.baseName,
        tsType: a.type,
        format: a.format,
        required: decl ? !decl.optional : false,
        ...(decl?.description ? { description: decl.description } : {}),
      };
    });
    return { className, fields, ...(declared.classDescription ? { description: declared.classDescription } : {}) };
  }
}

interface Declarations {
  classDescription?: string;
  fields: Map<string, { optional: boolean; description?: string }>;
}

/** Pulls doc comments and `?` marks out of a generated declaration file. */
function parseDeclarations(dts: string): Declarations {
  const out: Declarations = { fields: new Map() };
  const classAt = dts.indexOf('export declare class');
  if (classAt < 0) return out;
  const before = dts.slice(0, classAt);
  const classDoc = /\/\*\*\n\* ([\s\S]*?)\n\*\/\s*$/.exec(before);
  if (classDoc?.[1]) out.classDescription = unescapeDoc(classDoc[1]);
  const body = dts.slice(classAt);
  const fieldRe = /(?:\/\*\*\n {4}\* ([\s\S]*?)\n {4}\*\/\n)? {4}'([^']+)'(\??):/g;
  for (const m of body.matchAll(fieldRe)) {
    const name = m[2];
    if (!name) continue;
    out.fields.set(name, { optional: m[3] === '?', ...(m[1] ? { description: unescapeDoc(m[1]) } : {}) });
  }
  return out;
}

/** The generator escapes quotes inside doc comments (`\'`, `\"`); undo that. */
function unescapeDoc(text: string): string {
  return text.replace(/\\(['"\\])/g, '$1').replace(/\n {4}\* /g, '\n').trim();
}
