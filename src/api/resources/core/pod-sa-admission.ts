/**
 * The ServiceAccount admission step for new pods, as upstream's plugin does it: the pod
 * runs as the `default` service account unless it names one, and unless
 * automountServiceAccountToken is false it gets the `kube-api-access-XXXXX` projected volume
 * (a bound token, the cluster CA from kube-root-ca.crt, the namespace) mounted read-only at
 * /var/run/secrets/kubernetes.io/serviceaccount in every container that has nothing there.
 * Only on create: the volume's random name must not change on updates.
 */
import { randomBytes } from 'node:crypto';
import { boolAt, recordsAt, stringAt, type JsonRecord } from '../../meta/json.js';

export const serviceAccountMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Five characters from upstream's alphabet for generated names (no vowels, no look-alikes). */
function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}

export function admitServiceAccount(spec: JsonRecord): void {
  const name = stringAt(spec, 'serviceAccountName') || stringAt(spec, 'serviceAccount') || 'default';
  spec['serviceAccountName'] = name;
  spec['serviceAccount'] = name;
  if (boolAt(spec, 'automountServiceAccountToken') === false) return;
  const containers = [...recordsAt(spec, 'initContainers'), ...recordsAt(spec, 'containers')];
  const wanting = containers.filter((c) => !recordsAt(c, 'volumeMounts').some((m) => stringAt(m, 'mountPath') === serviceAccountMountPath));
  if (wanting.length === 0) return;
  const volumes = Array.isArray(spec['volumes']) ? (spec['volumes'] as unknown[]) : (spec['volumes'] = []);
  const existing = recordsAt(spec, 'volumes').find((v) => stringAt(v, 'name')?.startsWith('kube-api-access-'));
  const volumeName = existing ? stringAt(existing, 'name') ?? '' : `kube-api-access-${randomSuffix()}`;
  if (!existing) {
    volumes.push({
      name: volumeName,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    });
  }
  for (const c of wanting) {
    const mounts = Array.isArray(c['volumeMounts']) ? (c['volumeMounts'] as unknown[]) : (c['volumeMounts'] = []);
    mounts.push({ name: volumeName, readOnly: true, mountPath: serviceAccountMountPath });
  }
}
