/**
 * What every command needs: output streams, the parsed flags, and (lazily, since `config`
 * commands never talk to a server) the kubeconfig connection, REST client, discovery and
 * OpenAPI documents.
 */
import { randomUUID } from 'node:crypto';
import { Discovery, OpenApiV3, RestClient, loadKubeConfig, resolveConnection } from '../client/index.js';
import type { ConnectionConfig, LoadedKubeConfig, ResolveOptions } from '../client/index.js';
import { flagBool, flagString } from './args.js';
import type { ParsedArgs } from './args.js';
import { PlainMessageError } from './report.js';
import type { Failure } from './report.js';

export interface IO {
  out(text: string): void;
  err(text: string): void;
  /** Reads all of stdin (for `-f -`). */
  readStdin(): Promise<string>;
}

export const processIO: IO = {
  out: (t) => { process.stdout.write(t); },
  err: (t) => { process.stderr.write(t); },
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

export class Factory {
  private loadedConfig: LoadedKubeConfig | undefined;
  private conn: ConnectionConfig | undefined;
  private rest: RestClient | undefined;
  private disco: Discovery | undefined;
  private openapiDocs: OpenApiV3 | undefined;

  /** Failures recorded while the command carried on; printed (and exit 1) at the end. */
  readonly failures: Failure[] = [];

  constructor(readonly io: IO, readonly args: ParsedArgs, readonly commandName: string) {}

  /** Records a failure for one object; the command goes on with the next. */
  fail(err: unknown, context?: string): void {
    this.failures.push({ err, context });
  }

  kubeconfig(): LoadedKubeConfig {
    const explicitPath = flagString(this.args, 'kubeconfig');
    this.loadedConfig ??= loadKubeConfig(explicitPath ? { explicitPath } : {});
    return this.loadedConfig;
  }

  connection(): ConnectionConfig {
    if (!this.conn) {
      const opts: ResolveOptions = {};
      for (const [flag, key] of [['context', 'context'], ['cluster', 'cluster'], ['user', 'user'], ['server', 'server'], ['token', 'token'], ['namespace', 'namespace']] as const) {
        const v = flagString(this.args, flag);
        if (v !== undefined) opts[key] = v;
      }
      if (flagBool(this.args, 'insecure-skip-tls-verify')) opts.insecureSkipTLSVerify = true;
      try {
        this.conn = resolveConnection(this.kubeconfig().config, opts);
      } catch (err: unknown) {
        if (err instanceof Error && err.message.startsWith('context was not found')) {
          throw new PlainMessageError(`Error in configuration: ${err.message}`, { cause: err });
        }
        if (err instanceof Error && err.message.startsWith('The connection to the server')) {
          throw new PlainMessageError(err.message, { cause: err });
        }
        throw err;
      }
    }
    return this.conn;
  }

  client(): RestClient {
    if (!this.rest) {
      this.rest = new RestClient(this.connection());
      this.rest.defaultHeaders['User-Agent'] = 'skiff-kubectl/v1.32.0';
      this.rest.defaultHeaders['Kubectl-Command'] = `kubectl ${this.commandName}`;
      this.rest.defaultHeaders['Kubectl-Session'] = randomUUID();
    }
    return this.rest;
  }

  discovery(): Discovery {
    this.disco ??= new Discovery(this.client());
    return this.disco;
  }

  openapi(): OpenApiV3 {
    this.openapiDocs ??= new OpenApiV3(this.client());
    return this.openapiDocs;
  }

  /** The namespace to use: -n, else the context's, else "default". */
  namespace(): string {
    return flagString(this.args, 'namespace') ?? this.connection().namespace;
  }

  /** Whether -n was given (manifests with another namespace are then an error). */
  namespaceExplicit(): boolean {
    return this.args.changed.has('namespace');
  }

  close(): void {
    this.rest?.close();
  }
}
