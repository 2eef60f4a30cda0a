/**
 * Writes the admin kubeconfig (cluster "skiff", user "admin", context "skiff"). The YAML is
 * written from a template: every value is a URL or base64, which need no quoting rules, and
 * it spares loading a YAML library at start-up.
 */
import { writeFileSync } from 'node:fs';
import type { Pki } from './pki.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

export function kubeconfigYaml(server: string, pki: Pki): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: skiff',
    '  cluster:',
    `    server: ${JSON.stringify(server)}`,
    `    certificate-authority-data: ${b64(pki.caCert)}`,
    'users:',
    '- name: admin',
    '  user:',
    `    client-certificate-data: ${b64(pki.adminCert)}`,
    `    client-key-data: ${b64(pki.adminKey)}`,
    'contexts:',
    '- name: skiff',
    '  context:',
    '    cluster: skiff',
    '    user: admin',
    '    namespace: default',
    'current-context: skiff',
    'preferences: {}',
    '',
  ].join('\n');
}

export function writeKubeconfig(path: string, server: string, pki: Pki): void {
  writeFileSync(path, kubeconfigYaml(server, pki), { mode: 0o600 });
}
