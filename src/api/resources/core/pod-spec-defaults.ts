/**
 * Defaults of a PodSpec as upstream's v1 defaulting applies them (pkg/apis/core/v1/
 * defaults.go). Shared by Pods and every pod template (Deployment, Job, ...).
 */
import type { JsonRecord } from '../../meta/json.js';
import { boolAt, ensureRecord, isRecord, numberAt, recordAt, recordsAt, setDefault, setDefaultString, stringAt } from '../../meta/json.js';

/** Always for `:latest` or untagged images, else IfNotPresent (digests count as pinned). */
export function defaultPullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const lastColon = image.lastIndexOf(':');
  const tag = lastColon > lastSlash ? image.slice(lastColon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** Go's zero value counts as unset for these int fields, so 0 is replaced too. */
function setDefaultNumber(parent: JsonRecord, key: string, value: number): void {
  const v = parent[key];
  if (v === undefined || v === null || v === 0) parent[key] = value;
}

function defaultProbe(probe: JsonRecord | undefined): void {
  if (!probe) return;
  setDefaultNumber(probe, 'timeoutSeconds', 1);
  setDefaultNumber(probe, 'periodSeconds', 10);
  setDefaultNumber(probe, 'successThreshold', 1);
  setDefaultNumber(probe, 'failureThreshold', 3);
  const httpGet = recordAt(probe, 'httpGet');
  if (httpGet) {
    setDefaultString(httpGet, 'path', '/');
    setDefaultString(httpGet, 'scheme', 'HTTP');
  }
}

function defaultContainer(c: JsonRecord): void {
  const image = stringAt(c, 'image');
  if (image !== undefined) setDefaultString(c, 'imagePullPolicy', defaultPullPolicy(image));
  setDefaultString(c, 'terminationMessagePath', '/dev/termination-log');
  setDefaultString(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'resources', {});
  for (const port of recordsAt(c, 'ports')) setDefaultString(port, 'protocol', 'TCP');
  for (const env of recordsAt(c, 'env')) {
    const fieldRef = recordAt(recordAt(env, 'valueFrom'), 'fieldRef');
    if (fieldRef) setDefaultString(fieldRef, 'apiVersion', 'v1');
  }
  defaultProbe(recordAt(c, 'livenessProbe'));
  defaultProbe(recordAt(c, 'readinessProbe'));
  defaultProbe(recordAt(c, 'startupProbe'));
}

const VOLUME_SOURCES = ['hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image'];

function defaultVolume(v: JsonRecord): void {
  // A volume naming no source is an emptyDir, as upstream's defaulting decides.
  if (!VOLUME_SOURCES.some((s) => v[s] !== undefined)) v['emptyDir'] = {};
  for (const source of ['configMap', 'secret', 'downwardAPI', 'projected']) {
    const src = recordAt(v, source);
    if (src) setDefault(src, 'defaultMode', 420);
  }
  const hostPath = recordAt(v, 'hostPath');
  if (hostPath) setDefault(hostPath, 'type', '');
  for (const source of recordsAt(recordAt(v, 'projected'), 'sources')) {
    const token = recordAt(source, 'serviceAccountToken');
    if (token) setDefault(token, 'expirationSeconds', 3600);
  }
}

/** Defaults for a PodSpec, wherever it appears. */
export function defaultPodSpec(spec: JsonRecord): void {
  setDefaultString(spec, 'dnsPolicy', 'ClusterFirst');
  setDefaultString(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'securityContext', {});
  setDefaultString(spec, 'schedulerName', 'default-scheduler');
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of recordsAt(spec, key)) defaultContainer(c);
  }
  for (const v of recordsAt(spec, 'volumes')) defaultVolume(v);
}

/** Pod-only defaults on top of the PodSpec ones (templates do not get these). */
export function defaultPodOnly(spec: JsonRecord): void {
  setDefault(spec, 'enableServiceLinks', true);
  // On the host network a container port is also its host port.
  if (boolAt(spec, 'hostNetwork') === true) {
    for (const key of ['initContainers', 'containers']) {
      for (const port of recordsAt(spec, key).flatMap((c) => recordsAt(c, 'ports'))) {
        if (!numberAt(port, 'hostPort')) {
          const cp = numberAt(port, 'containerPort');
          if (cp !== undefined) port['hostPort'] = cp;
        }
      }
    }
  }
  // Priority admission: no priority class means priority 0 and the default preemption.
  if (spec['priorityClassName'] === undefined) {
    setDefault(spec, 'priority', 0);
    setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  }
  // Requests default to limits for every resource that has a limit but no request.
  for (const key of ['initContainers', 'containers']) {
    for (const c of recordsAt(spec, key)) {
      const resources = recordAt(c, 'resources');
      const limits = recordAt(resources, 'limits');
      if (!resources || !limits || Object.keys(limits).length === 0) continue;
      const requests = ensureRecord(resources, 'requests');
      for (const [name, qty] of Object.entries(limits)) setDefault(requests, name, qty);
    }
  }
}

/**
 * A PodTemplateSpec inside a workload: the PodSpec defaults, and metadata.creationTimestamp
 * null, which is how an unset Go time serialises and what clients expect to see.
 */
export function defaultPodTemplate(template: unknown): void {
  if (!isRecord(template)) return;
  const meta = ensureRecord(template, 'metadata');
  if (!('creationTimestamp' in meta)) meta['creationTimestamp'] = null;
  defaultPodSpec(ensureRecord(template, 'spec'));
}
