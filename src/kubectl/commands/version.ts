/** `kubectl version` and `kubectl cluster-info`. */
import { flagBool, flagString } from '../args.js';
import type { Command } from '../command.js';
import { toGoJson, toYaml } from '../printers/index.js';

/** The kubectl release whose behaviour (and output) skiff kubectl follows. */
export const clientVersion = {
  major: '1', minor: '32', gitVersion: 'v1.32.4-skiff', gitCommit: 'skiff', gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z', goVersion: 'go1.23', compiler: 'gc', platform: 'linux/amd64',
};

export const versionCommand: Command = {
  name: 'version',
  flags: { client: { type: 'bool' }, output: { type: 'string', short: 'o' } },
  async run(f) {
    const output = flagString(f.args, 'output');
    const clientOnly = flagBool(f.args, 'client');
    let server: Record<string, string> | undefined;
    let failure: unknown;
    if (!clientOnly) {
      try {
        server = await f.client().get<Record<string, string>>('/version');
      } catch (err: unknown) {
        failure = err;
      }
    }
    if (output === 'json' || output === 'yaml') {
      const doc: Record<string, unknown> = { clientVersion, kustomizeVersion: 'v5.5.0' };
      if (server) doc['serverVersion'] = server;
      f.io.out(output === 'json' ? toGoJson(doc) : toYaml(doc));
    } else {
      f.io.out(`Client Version: ${clientVersion.gitVersion}\nKustomize Version: v5.5.0\n`);
      if (server) f.io.out(`Server Version: ${server['gitVersion'] ?? ''}\n`);
    }
    if (failure) throw failure;
    return 0;
  },
};

export const clusterInfoCommand: Command = {
  name: 'cluster-info',
  flags: {},
  async run(f) {
    const client = f.client();
    const services = await client.get<{ items?: Array<{ metadata?: { name?: string; labels?: Record<string, string> } }> }>(
      '/api/v1/namespaces/kube-system/services', { labelSelector: 'kubernetes.io/cluster-service=true' });
    const server = f.connection().server;
    // kubectl colours these lines only on a terminal.
    const tty = process.stdout.isTTY === true;
    const green = (s: string): string => (tty ? `\x1b[0;32m${s}\x1b[0m` : s);
    const yellow = (s: string): string => (tty ? `\x1b[0;33m${s}\x1b[0m` : s);
    f.io.out(`${green('Kubernetes control plane')} is running at ${yellow(server)}\n`);
    for (const svc of services.items ?? []) {
      const name = svc.metadata?.labels?.['kubernetes.io/name'] ?? svc.metadata?.name ?? '';
      f.io.out(`${green(name)} is running at ${yellow(`${server}/api/v1/namespaces/kube-system/services/${svc.metadata?.name ?? ''}/proxy`)}\n`);
    }
    f.io.out(`\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n`);
    return 0;
  },
};
