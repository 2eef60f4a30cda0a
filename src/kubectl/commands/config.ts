/**
 * `kubectl config view | current-context | use-context | get-contexts`: reading and
 * switching kubeconfig contexts without talking to a server.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { KubeConfig } from '../../client/index.js';
import { flagBool, flagString, UsageError } from '../args.js';
import type { Command } from '../command.js';
import type { Factory } from '../factory.js';
import { formatColumns, toYaml, executeTemplate } from '../printers/index.js';

const secretUserFields = new Set(['client-certificate-data', 'client-key-data']);
const redactedUserFields = new Set(['token', 'password']);

/** The merged config as `config view` shows it: secrets omitted unless --raw. */
function viewable(config: KubeConfig, raw: boolean, minifyContext: string | undefined): Record<string, unknown> {
  let { clusters, users, contexts } = config;
  if (minifyContext !== undefined) {
    const ctx = contexts.find((c) => c.name === minifyContext);
    contexts = ctx ? [ctx] : [];
    clusters = clusters.filter((c) => c.name === ctx?.context.cluster);
    users = users.filter((u) => u.name === ctx?.context.user);
  }
  const hide = (obj: Record<string, unknown>, data: Set<string>, redacted: Set<string>): Record<string, unknown> => {
    if (raw) return obj;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = data.has(k) ? 'DATA+OMITTED' : redacted.has(k) ? 'REDACTED' : v;
    return out;
  };
  return {
    apiVersion: 'v1',
    clusters: clusters.length ? clusters.map((c) => ({ cluster: hide(c.cluster, new Set(['certificate-authority-data']), new Set()), name: c.name })) : null,
    contexts: contexts.length ? contexts.map((c) => ({ context: c.context, name: c.name })) : null,
    'current-context': config['current-context'] ?? '',
    kind: 'Config',
    preferences: config.preferences ?? {},
    users: users.length ? users.map((u) => ({ name: u.name, user: hide(u.user, secretUserFields, redactedUserFields) })) : null,
  };
}

async function view(f: Factory, args: string[]): Promise<number> {
  if (args.length > 0) throw new UsageError(`unexpected arguments: [${args.join(' ')}]`);
  const { config } = f.kubeconfig();
  const minify = flagBool(f.args, 'minify') ? (flagString(f.args, 'context') ?? config['current-context'] ?? '') : undefined;
  const doc = viewable(config, flagBool(f.args, 'raw') || flagBool(f.args, 'flatten'), minify);
  const output = flagString(f.args, 'output') ?? 'yaml';
  if (output === 'json') f.io.out(`${JSON.stringify(inStructOrder(doc), null, 4)}\n`);
  else if (output.startsWith('jsonpath=')) f.io.out(executeTemplate(output.slice('jsonpath='.length), doc));
  else f.io.out(toYaml(doc));
  return 0;
}

/** Field orders of client-go's kubeconfig structs, which `config view -o json` follows. */
const structOrder = {
  config: ['kind', 'apiVersion', 'preferences', 'clusters', 'users', 'contexts', 'current-context'],
  cluster: ['server', 'tls-server-name', 'insecure-skip-tls-verify', 'certificate-authority', 'certificate-authority-data', 'proxy-url', 'disable-compression'],
  user: ['client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'token', 'tokenFile', 'as', 'as-uid', 'as-groups', 'as-user-extra', 'username', 'password', 'auth-provider', 'exec'],
  context: ['cluster', 'user', 'namespace'],
};

function ordered(obj: unknown, order: readonly string[]): unknown {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return obj;
  const m = obj as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of order) if (k in m) out[k] = m[k];
  for (const k of Object.keys(m)) if (!(k in out)) out[k] = m[k];
  return out;
}

function inStructOrder(doc: Record<string, unknown>): unknown {
  const list = (v: unknown, field: string, order: readonly string[]): unknown =>
    Array.isArray(v) ? v.map((e: Record<string, unknown>) => ({ name: e['name'], [field]: ordered(e[field], order) })) : v;
  return ordered({
    ...doc,
    clusters: list(doc['clusters'], 'cluster', structOrder.cluster),
    users: list(doc['users'], 'user', structOrder.user),
    contexts: list(doc['contexts'], 'context', structOrder.context),
  }, structOrder.config);
}

async function currentContext(f: Factory): Promise<number> {
  const current = f.kubeconfig().config['current-context'];
  if (!current) { f.io.err('error: current-context is not set\n'); return 1; }
  f.io.out(`${current}\n`);
  return 0;
}

async function useContext(f: Factory, args: string[]): Promise<number> {
  const name = args[0];
  if (!name) throw new UsageError('Unexpected args: []');
  const loaded = f.kubeconfig();
  if (!loaded.config.contexts.some((c) => c.name === name)) {
    f.io.err(`error: no context exists with the name: "${name}"\n`);
    return 1;
  }
  const target = loaded.writeTarget;
  const raw = (parse(readFileSync(target, 'utf8')) ?? {}) as Record<string, unknown>;
  raw['current-context'] = name;
  writeFileSync(target, toYaml(raw));
  f.io.out(`Switched to context "${name}".\n`);
  return 0;
}

async function getContexts(f: Factory, args: string[]): Promise<number> {
  const { config } = f.kubeconfig();
  const current = config['current-context'];
  const contexts = args.length > 0 ? config.contexts.filter((c) => args.includes(c.name)) : config.contexts;
  for (const a of args) {
    if (!config.contexts.some((c) => c.name === a)) { f.io.err(`error: context ${a} not found\n`); return 1; }
  }
  if (flagString(f.args, 'output') === 'name') {
    f.io.out(contexts.map((c) => `${c.name}\n`).join(''));
    return 0;
  }
  const rows: string[][] = [];
  if (!flagBool(f.args, 'no-headers')) rows.push(['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE']);
  for (const c of [...contexts].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    rows.push([c.name === current ? '*' : '', c.name, c.context.cluster ?? '', c.context.user ?? '', c.context.namespace ?? '']);
  }
  f.io.out(formatColumns(rows));
  return 0;
}

export const configCommand: Command = {
  name: 'config',
  flags: {
    raw: { type: 'bool' },
    minify: { type: 'bool' },
    flatten: { type: 'bool' },
    output: { type: 'string', short: 'o' },
    'no-headers': { type: 'bool' },
    merge: { type: 'bool', default: true },
  },
  async run(f) {
    const [sub, ...args] = f.args.positional;
    switch (sub) {
      case 'view': return view(f, args);
      case 'current-context': return currentContext(f);
      case 'use-context': case 'use': return useContext(f, args);
      case 'get-contexts': return getContexts(f, args);
      default:
        throw new UsageError(sub ? `unknown command "${sub}" for "kubectl config"` : 'Modify kubeconfig files using subcommands like "kubectl config set current-context my-context"');
    }
  },
};
