/**
 * Kubeconfig loading as kubectl does it: `--kubeconfig` (one file) wins; otherwise every
 * file of `KUBECONFIG` (a colon list) is merged, the first file to define a named cluster,
 * user or context (or current-context) winning; otherwise `~/.kube/config`.
 */
import { readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';

export interface KubeCluster {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  [field: string]: unknown;
}

export interface KubeUser {
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  [field: string]: unknown;
}

export interface KubeContext {
  cluster?: string;
  user?: string;
  namespace?: string;
  [field: string]: unknown;
}

export interface Named<T, K extends string> { name: string; value: T; key: K }

export interface KubeConfig {
  apiVersion?: string;
  kind?: string;
  preferences?: Record<string, unknown>;
  'current-context'?: string;
  clusters: Array<{ name: string; cluster: KubeCluster }>;
  users: Array<{ name: string; user: KubeUser }>;
  contexts: Array<{ name: string; context: KubeContext }>;
  [field: string]: unknown;
}

export interface LoadedKubeConfig {
  config: KubeConfig;
  /** Files that were read, in precedence order. */
  files: string[];
  /** The file `config use-context` writes to: the explicit one, or the first that exists. */
  writeTarget: string;
}

export interface LoadOptions {
  /** `--kubeconfig`. */
  explicitPath?: string;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Reads and merges kubeconfig files. Missing files in KUBECONFIG are skipped as kubectl does. */
export function loadKubeConfig(options: LoadOptions = {}): LoadedKubeConfig {
  const env = options.env ?? process.env;
  let files: string[];
  let writeTarget: string;
  if (options.explicitPath) {
    if (!existsSync(options.explicitPath)) throw new Error(`stat ${options.explicitPath}: no such file or directory`);
    files = [options.explicitPath];
    writeTarget = options.explicitPath;
  } else if (env['KUBECONFIG']) {
    const listed = env['KUBECONFIG'].split(':').filter((p) => p !== '');
    files = listed.filter((p) => existsSync(p));
    writeTarget = files[0] ?? listed[listed.length - 1] ?? defaultPath(env);
  } else {
    const p = defaultPath(env);
    files = existsSync(p) ? [p] : [];
    writeTarget = p;
  }
  const merged: KubeConfig = { clusters: [], users: [], contexts: [] };
  for (const file of files) mergeInto(merged, parseKubeConfigFile(file));
  return { config: merged, files, writeTarget };
}

function defaultPath(env: NodeJS.ProcessEnv): string {
  return join(env['HOME'] ?? homedir(), '.kube', 'config');
}

/** Parses one file and makes relative file references absolute (relative to the file). */
export function parseKubeConfigFile(file: string): KubeConfig {
  const text = readFileSync(file, 'utf8');
  const raw: unknown = parse(text) ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`error loading config file "${file}": not a kubeconfig`);
  const cfg = raw as Partial<KubeConfig>;
  const base = dirname(resolve(file));
  const abs = (p: string | undefined): string | undefined => (p && !isAbsolute(p) ? join(base, p) : p);
  const clusters = (cfg.clusters ?? []).map((c) => ({ ...c, cluster: { ...c.cluster } }));
  for (const c of clusters) {
    const ca = abs(c.cluster['certificate-authority']);
    if (ca) c.cluster['certificate-authority'] = ca;
  }
  const users = (cfg.users ?? []).map((u) => ({ ...u, user: { ...(u.user ?? {}) } }));
  for (const u of users) {
    for (const key of ['client-certificate', 'client-key', 'tokenFile'] as const) {
      const v = abs(u.user[key]);
      if (v) u.user[key] = v;
    }
  }
  return { ...cfg, clusters, users, contexts: (cfg.contexts ?? []).map((c) => ({ ...c, context: { ...(c.context ?? {}) } })) };
}

function mergeInto(target: KubeConfig, source: KubeConfig): void {
  if (!target['current-context'] && source['current-context']) target['current-context'] = source['current-context'];
  if (!target.apiVersion && source.apiVersion) target.apiVersion = source.apiVersion;
  if (!target.kind && source.kind) target.kind = source.kind;
  if (!target.preferences && source.preferences) target.preferences = source.preferences;
  for (const c of source.clusters) if (!target.clusters.some((x) => x.name === c.name)) target.clusters.push(c);
  for (const u of source.users) if (!target.users.some((x) => x.name === u.name)) target.users.push(u);
  for (const c of source.contexts) if (!target.contexts.some((x) => x.name === c.name)) target.contexts.push(c);
}

/** What a REST client needs to reach and authenticate to one cluster. */
export interface ConnectionConfig {
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  username?: string;
  password?: string;
  insecureSkipTLSVerify?: boolean;
  tlsServerName?: string;
  /** Namespace of the context (or "default"). */
  namespace: string;
  contextName: string;
}

export interface ResolveOptions {
  context?: string;
  cluster?: string;
  user?: string;
  server?: string;
  token?: string;
  namespace?: string;
  insecureSkipTLSVerify?: boolean;
}

/** Picks the context (flag or current-context) and reads certificate files and data. */
export function resolveConnection(config: KubeConfig, opts: ResolveOptions = {}): ConnectionConfig {
  const contextName = opts.context ?? config['current-context'] ?? '';
  const ctx = config.contexts.find((c) => c.name === contextName)?.context;
  if (opts.context && !ctx) throw new Error(`context was not found for specified context: ${opts.context}`);
  const clusterName = opts.cluster ?? ctx?.cluster;
  const userName = opts.user ?? ctx?.user;
  const cluster = config.clusters.find((c) => c.name === clusterName)?.cluster ?? {};
  const user = config.users.find((u) => u.name === userName)?.user ?? {};
  const server = opts.server ?? cluster.server;
  if (!server) {
    throw new Error('The connection to the server localhost:8080 was refused - did you specify the right host or port?');
  }
  const conn: ConnectionConfig = { server: server.replace(/\/+$/, ''), namespace: opts.namespace ?? ctx?.namespace ?? 'default', contextName };
  const caPem = pem(cluster['certificate-authority-data'], cluster['certificate-authority']);
  if (caPem) conn.caPem = caPem;
  const certPem = pem(user['client-certificate-data'], user['client-certificate']);
  if (certPem) conn.certPem = certPem;
  const keyPem = pem(user['client-key-data'], user['client-key']);
  if (keyPem) conn.keyPem = keyPem;
  const token = opts.token ?? user.token ?? (user.tokenFile ? readFileSync(user.tokenFile, 'utf8').trim() : undefined);
  if (token) conn.token = token;
  if (user.username) conn.username = user.username;
  if (user.password) conn.password = user.password;
  if (opts.insecureSkipTLSVerify ?? cluster['insecure-skip-tls-verify']) conn.insecureSkipTLSVerify = true;
  if (cluster['tls-server-name']) conn.tlsServerName = cluster['tls-server-name'];
  return conn;
}

function pem(data: string | undefined, file: string | undefined): string | undefined {
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  if (file) return readFileSync(file, 'utf8');
  return undefined;
}
