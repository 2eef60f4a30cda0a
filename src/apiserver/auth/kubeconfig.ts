/** Writes the admin kubeconfig (cluster "skiff", user "admin", context "skiff"). */
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { Pki } from './pki.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

export function kubeconfigYaml(server: string, pki: Pki): string {
  return stringify({
    apiVersion: 'v1', kind: 'Config',
    clusters: [{ name: 'skiff', cluster: { server, 'certificate-authority-data': b64(pki.caCert) } }],
    users: [{ name: 'admin', user: { 'client-certificate-data': b64(pki.adminCert), 'client-key-data': b64(pki.adminKey) } }],
    contexts: [{ name: 'skiff', context: { cluster: 'skiff', user: 'admin', namespace: 'default' } }],
    'current-context': 'skiff',
    preferences: {},
  });
}

export function writeKubeconfig(path: string, server: string, pki: Pki): void {
  writeFileSync(path, kubeconfigYaml(server, pki), { mode: 0o600 });
}
