/** `describe pod` and the pod template section of workload describers, as kubectl prints them. */
import type { KubeObject } from '../../api/types.js';
import { podQOSClass } from '../../api/resources/core/pod-qos.js';
import { arr, describeEvents, goV, obj, printAnnotations, printLabels, printTolerations, rfc1123z, since, str } from './common.js';
import type { Obj } from './common.js';
import { DescribeWriter } from './writer.js';

function portsText(ports: Obj[], field: 'containerPort' | 'hostPort'): string {
  return ports.map((p) => `${typeof p[field] === 'number' ? String(p[field]) : '0'}/${str(p['protocol'])}`).join(', ');
}

function describeResources(w: DescribeWriter, resources: unknown, level: number): void {
  const r = obj(resources);
  for (const [title, key] of [['Limits', 'limits'], ['Requests', 'requests']] as const) {
    const m = obj(r[key]);
    const names = Object.keys(m).sort();
    if (names.length > 0) w.write(level, `${title}:\n`);
    for (const n of names) w.write(level + 1, `${n}:\t${str(m[n])}\n`);
  }
}

function describeProbe(p: Obj): string {
  const attrs = `delay=${Number(p['initialDelaySeconds'] ?? 0)}s timeout=${Number(p['timeoutSeconds'] ?? 0)}s period=${Number(p['periodSeconds'] ?? 0)}s #success=${Number(p['successThreshold'] ?? 0)} #failure=${Number(p['failureThreshold'] ?? 0)}`;
  if (p['exec']) return `exec ${goV(arr(obj(p['exec'])['command']))} ${attrs}`;
  if (p['httpGet']) {
    const h = obj(p['httpGet']);
    const scheme = str(h['scheme']).toLowerCase();
    const port = str(h['port']);
    const host = port ? `${str(h['host'])}:${port}` : str(h['host']);
    return `http-get ${scheme ? `${scheme}://` : '//'}${host}${str(h['path'])} ${attrs}`;
  }
  if (p['tcpSocket']) { const t = obj(p['tcpSocket']); return `tcp-socket ${str(t['host'])}:${str(t['port'])} ${attrs}`; }
  if (p['grpc']) { const g = obj(p['grpc']); return `grpc <pod>:${str(g['port'])} ${str(g['service'])} ${attrs}`; }
  return `unknown ${attrs}`;
}

function describeState(w: DescribeWriter, name: string, state: Obj): void {
  if (state['running']) {
    w.write(2, `${name}:\tRunning\n`);
    w.write(3, `Started:\t${rfc1123z(obj(state['running'])['startedAt'])}\n`);
  } else if (state['terminated']) {
    const t = obj(state['terminated']);
    w.write(2, `${name}:\tTerminated\n`);
    if (t['reason']) w.write(3, `Reason:\t${str(t['reason'])}\n`);
    if (t['message']) w.write(3, `Message:\t${str(t['message'])}\n`);
    w.write(3, `Exit Code:\t${Number(t['exitCode'] ?? 0)}\n`);
    if (Number(t['signal'] ?? 0) > 0) w.write(3, `Signal:\t${Number(t['signal'])}\n`);
    w.write(3, `Started:\t${rfc1123z(t['startedAt'])}\n`);
    w.write(3, `Finished:\t${rfc1123z(t['finishedAt'])}\n`);
  } else {
    w.write(2, `${name}:\tWaiting\n`);
    const reason = str(obj(state['waiting'])['reason']);
    if (state['waiting'] && reason) w.write(3, `Reason:\t${reason}\n`);
  }
}

function describeContainers(w: DescribeWriter, label: string, containers: Obj[], statuses: Obj[], space: string): void {
  w.write(0, `${space}${label}:${containers.length === 0 ? ' <none>' : ''}\n`);
  for (const c of containers) {
    const status = statuses.find((s) => s['name'] === c['name']);
    w.write(1, `${space ? ' ' : ''}${str(c['name'])}:\n`);
    if (status) w.write(2, `Container ID:\t${str(status['containerID'])}\n`);
    w.write(2, `Image:\t${str(c['image'])}\n`);
    if (status) w.write(2, `Image ID:\t${str(status['imageID'])}\n`);
    const ports = arr(c['ports']).map(obj);
    const portString = portsText(ports, 'containerPort');
    if (portString.includes(',')) w.write(2, `Ports:\t${portString}\n`);
    else w.write(2, `Port:\t${portString || '<none>'}\n`);
    const hostPorts = portsText(ports, 'hostPort');
    if (hostPorts.includes(',')) w.write(2, `Host Ports:\t${hostPorts}\n`);
    else w.write(2, `Host Port:\t${hostPorts || '<none>'}\n`);
    for (const [title, key] of [['Command', 'command'], ['Args', 'args']] as const) {
      const items = arr(c[key]).map(str);
      if (items.length === 0) continue;
      w.write(2, `${title}:\n`);
      for (const item of items) for (const s of item.split('\n')) w.write(3, `${s}\n`);
    }
    if (status) {
      describeState(w, 'State', obj(status['state']));
      if (obj(status['lastState'])['terminated']) describeState(w, 'Last State', obj(status['lastState']));
      w.write(2, `Ready:\t${status['ready'] === true ? 'True' : 'False'}\n`);
      w.write(2, `Restart Count:\t${Number(status['restartCount'] ?? 0)}\n`);
    }
    describeResources(w, c['resources'], 2);
    for (const [title, key] of [['Liveness', 'livenessProbe'], ['Readiness', 'readinessProbe'], ['Startup', 'startupProbe']] as const) {
      if (c[key]) w.write(2, `${title}:\t${describeProbe(obj(c[key]))}\n`);
    }
    const envFrom = arr(c['envFrom']).map(obj);
    if (envFrom.length > 0) {
      w.write(2, 'Environment Variables from:\n');
      for (const e of envFrom) {
        const ref = obj(e['configMapRef'] ?? e['secretRef']);
        const from = e['configMapRef'] ? 'ConfigMap' : e['secretRef'] ? 'Secret' : '';
        const optional = ref['optional'] === true;
        if (e['prefix']) w.write(3, `${str(ref['name'])}\t${from} with prefix '${str(e['prefix'])}'\tOptional: ${optional}\n`);
        else w.write(3, `${str(ref['name'])}\t${from}\tOptional: ${optional}\n`);
      }
    }
    const env = arr(c['env']).map(obj);
    w.write(2, `Environment:${env.length === 0 ? '\t<none>' : ''}\n`);
    for (const e of env) {
      if (!e['valueFrom']) {
        str(e['value']).split('\n').forEach((s, i) => w.write(3, i === 0 ? `${str(e['name'])}:\t${s}\n` : `\t${s}\n`));
        continue;
      }
      const vf = obj(e['valueFrom']);
      if (vf['fieldRef']) { const r = obj(vf['fieldRef']); w.write(3, `${str(e['name'])}:\t (${str(r['apiVersion'])}:${str(r['fieldPath'])})\n`); }
      else if (vf['resourceFieldRef']) w.write(3, `${str(e['name'])}:\t (${str(obj(vf['resourceFieldRef'])['resource'])})\n`);
      else if (vf['secretKeyRef']) { const r = obj(vf['secretKeyRef']); w.write(3, `${str(e['name'])}:\t<set to the key '${str(r['key'])}' in secret '${str(r['name'])}'>\tOptional: ${r['optional'] === true}\n`); }
      else if (vf['configMapKeyRef']) { const r = obj(vf['configMapKeyRef']); w.write(3, `${str(e['name'])}:\t<set to the key '${str(r['key'])}' of config map '${str(r['name'])}'>\tOptional: ${r['optional'] === true}\n`); }
    }
    const mounts = arr(c['volumeMounts']).map(obj).sort((a, b) => (str(a['mountPath']) < str(b['mountPath']) ? -1 : 1));
    w.write(2, `Mounts:${mounts.length === 0 ? '\t<none>' : ''}\n`);
    for (const m of mounts) {
      const flags = [m['readOnly'] === true ? 'ro' : 'rw'];
      if (m['subPath']) flags.push(`path=${JSON.stringify(str(m['subPath']))}`);
      w.write(3, `${str(m['mountPath'])} from ${str(m['name'])} (${flags.join(',')})\n`);
    }
  }
}

function describeVolumes(w: DescribeWriter, volumes: Obj[], space: string): void {
  if (volumes.length === 0) { w.write(0, `${space}Volumes:\t<none>\n`); return; }
  w.write(0, `${space}Volumes:\n`);
  for (const v of volumes) {
    w.write(1, `${space ? ' ' : ''}${str(v['name'])}:\n`);
    if (v['emptyDir']) {
      const e = obj(v['emptyDir']);
      w.write(2, `Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t${str(e['medium'])}\n    SizeLimit:\t${e['sizeLimit'] ? str(e['sizeLimit']) : '<unset>'}\n`);
    } else if (v['hostPath']) {
      const h = obj(v['hostPath']);
      w.write(2, `Type:\tHostPath (bare host directory volume)\n    Path:\t${str(h['path'])}\n    HostPathType:\t${h['type'] === undefined ? '<none>' : str(h['type'])}\n`);
    } else if (v['configMap']) {
      const c = obj(v['configMap']);
      w.write(2, `Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${str(c['name'])}\n    Optional:\t${c['optional'] === true}\n`);
    } else if (v['secret']) {
      const s = obj(v['secret']);
      w.write(2, `Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t${str(s['secretName'])}\n    Optional:\t${s['optional'] === true}\n`);
    } else if (v['persistentVolumeClaim']) {
      const p = obj(v['persistentVolumeClaim']);
      w.write(2, `Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t${str(p['claimName'])}\n    ReadOnly:\t${p['readOnly'] === true}\n`);
    } else if (v['projected']) {
      // As kubectl's printProjectedVolumeSource (pods have one since the service-account token volume).
      w.write(2, 'Type:\tProjected (a volume that contains injected data from multiple sources)\n');
      const optional = (o: Obj): string => (o['optional'] === undefined ? '<nil>' : String(o['optional'] === true));
      for (const source of (Array.isArray(obj(v['projected'])['sources']) ? obj(v['projected'])['sources'] as unknown[] : []).map(obj)) {
        if (source['secret']) w.write(2, `SecretName:\t${str(obj(source['secret'])['name'])}\n    SecretOptionalName:\t${optional(obj(source['secret']))}\n`);
        else if (source['downwardAPI']) w.write(2, 'DownwardAPI:\ttrue\n');
        else if (source['configMap']) w.write(2, `ConfigMapName:\t${str(obj(source['configMap'])['name'])}\n    ConfigMapOptional:\t${optional(obj(source['configMap']))}\n`);
        else if (source['serviceAccountToken']) w.write(2, `TokenExpirationSeconds:\t${String(obj(source['serviceAccountToken'])['expirationSeconds'] ?? 0)}\n`);
      }
    } else {
      w.write(1, '<unknown>\n');
    }
  }
}

/** QoS class as kubectl shows it: the status field, else computed from the containers. */
function qosClass(pod: Obj): string {
  return str(obj(pod['status'])['qosClass']) || podQOSClass(pod['spec']);
}

export function describePodTemplate(w: DescribeWriter, template: Obj): void {
  w.write(0, 'Pod Template:\n');
  const meta = obj(template['metadata']);
  const spec = obj(template['spec']);
  printLabels(w, 'Labels', meta['labels'], '  ');
  if (Object.keys(obj(meta['annotations'])).length > 0) printLabels(w, 'Annotations', meta['annotations'], '  ');
  if (spec['serviceAccountName']) w.write(0, `  Service Account:\t${str(spec['serviceAccountName'])}\n`);
  if (arr(spec['initContainers']).length > 0) describeContainers(w, 'Init Containers', arr(spec['initContainers']).map(obj), [], '  ');
  describeContainers(w, 'Containers', arr(spec['containers']).map(obj), [], '  ');
  describeVolumes(w, arr(spec['volumes']).map(obj), '  ');
  if (spec['priorityClassName']) w.write(0, `  Priority Class Name:\t${str(spec['priorityClassName'])}\n`);
  printLabels(w, 'Node-Selectors', spec['nodeSelector'], '  ');
  printTolerations(w, 'Tolerations', spec['tolerations'], '  ');
}

export function describePod(pod: KubeObject, events: KubeObject[] | undefined, now: number): string {
  const w = new DescribeWriter();
  const p = pod as Obj;
  const meta = obj(p['metadata']);
  const spec = obj(p['spec']);
  const status = obj(p['status']);
  w.write(0, `Name:\t${str(meta['name'])}\n`);
  w.write(0, `Namespace:\t${str(meta['namespace'])}\n`);
  if (typeof spec['priority'] === 'number') w.write(0, `Priority:\t${spec['priority']}\n`);
  if (spec['priorityClassName']) w.write(0, `Priority Class Name:\t${str(spec['priorityClassName'])}\n`);
  if (spec['runtimeClassName']) w.write(0, `Runtime Class Name:\t${str(spec['runtimeClassName'])}\n`);
  if (spec['serviceAccountName']) w.write(0, `Service Account:\t${str(spec['serviceAccountName'])}\n`);
  w.write(0, spec['nodeName'] ? `Node:\t${str(spec['nodeName'])}/${str(status['hostIP'])}\n` : 'Node:\t<none>\n');
  if (status['startTime']) w.write(0, `Start Time:\t${rfc1123z(status['startTime'])}\n`);
  printLabels(w, 'Labels', meta['labels']);
  printAnnotations(w, 'Annotations', meta['annotations']);
  const phase = str(status['phase']);
  if (meta['deletionTimestamp'] && phase !== 'Failed' && phase !== 'Succeeded') {
    w.write(0, `Status:\tTerminating (lasts ${since(meta['deletionTimestamp'], now)})\n`);
    w.write(0, `Termination Grace Period:\t${Number(meta['deletionGracePeriodSeconds'] ?? 0)}s\n`);
  } else {
    w.write(0, `Status:\t${phase}\n`);
  }
  if (status['reason']) w.write(0, `Reason:\t${str(status['reason'])}\n`);
  if (status['message']) w.write(0, `Message:\t${str(status['message'])}\n`);
  const seccomp = obj(obj(spec['securityContext'])['seccompProfile']);
  if (seccomp['type']) {
    w.write(0, `SeccompProfile:\t${str(seccomp['type'])}\n`);
    if (seccomp['type'] === 'Localhost') w.write(0, `LocalhostProfile:\t${str(seccomp['localhostProfile'])}\n`);
  }
  w.write(0, `IP:\t${str(status['podIP'])}\n`);
  const ips = arr(status['podIPs']).map(obj);
  if (ips.length === 0) w.write(0, 'IPs:\t<none>\n');
  else { w.write(0, 'IPs:\n'); for (const ip of ips) w.write(1, `IP:\t${str(ip['ip'])}\n`); }
  const controller = arr(meta['ownerReferences']).map(obj).find((r) => r['controller'] === true);
  if (controller) w.write(0, `Controlled By:\t${str(controller['kind'])}/${str(controller['name'])}\n`);
  if (status['nominatedNodeName']) w.write(0, `NominatedNodeName:\t${str(status['nominatedNodeName'])}\n`);
  if (arr(spec['initContainers']).length > 0) describeContainers(w, 'Init Containers', arr(spec['initContainers']).map(obj), arr(status['initContainerStatuses']).map(obj), '');
  describeContainers(w, 'Containers', arr(spec['containers']).map(obj), arr(status['containerStatuses']).map(obj), '');
  const conditions = arr(status['conditions']).map(obj);
  if (conditions.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\n');
    for (const c of conditions) w.write(1, `${str(c['type'])} \t${str(c['status'])} \n`);
  }
  describeVolumes(w, arr(spec['volumes']).map(obj), '');
  w.write(0, `QoS Class:\t${qosClass(p)}\n`);
  printLabels(w, 'Node-Selectors', spec['nodeSelector']);
  printTolerations(w, 'Tolerations', spec['tolerations']);
  describeEvents(w, events, now);
  return w.toString();
}

