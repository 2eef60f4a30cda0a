/**
 * Pod volumes on the node, under <state>/pods/<uid>/volumes/<name>: emptyDir (a folder, or
 * tmpfs for medium Memory), hostPath (the node's path itself), configMap and secret (one
 * file per key, or per listed item), downwardAPI and projected (with service-account
 * tokens). Kinds not supported yet get an empty folder, so the
 * pod still starts.
 *
 * Secret, projected and downwardAPI volumes are memory-backed in Kubernetes (a tmpfs each, so
 * secrets never reach the disk): here they go under the node's run folder (`runDir`: the
 * engine's run root's agent/ folder, /run/skiff/engine/agent by default, a tmpfs on a normal
 * machine) when there is one apart from the state folder. That also spares every pod start
 * the disk writes of its service-account token volume (~6 new inodes).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import type { VolumeMount } from '../engine/runtime/index.js';
import { fieldRefValue, type EnvSources } from './env.js';
import type { Pod, VolumeSpec } from './pod-types.js';

const run = promisify(execFile);

export function podDir(stateDir: string, uid: string): string {
  return join(stateDir, 'pods', uid);
}

/** Raised when a referenced ConfigMap/Secret is missing (the pod waits in ContainerCreating). */
export class VolumeSetupError extends Error {}

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Writes the keys into `dir` in place (the folder itself is bind-mounted into containers, so
 * it must stay the same inode): changed files are replaced by rename, vanished keys removed.
 */
async function writeKeys(dir: string, data: Record<string, string>, items: Array<{ key: string; path: string }> | undefined, mode: number): Promise<void> {
  // Synchronous, as the engine's small files (engine/runtime/record.ts says why): every pod
  // has its service-account token volume written here.
  mkdirSync(dir, { recursive: true });
  const entries = items ? items.filter((i) => i.key in data).map((i) => [i.path, data[i.key] ?? ''] as const) : Object.entries(data);
  const wanted = new Set<string>();
  for (const [path, value] of entries) {
    const target = normalize(join(dir, path));
    if (!target.startsWith(`${dir}/`)) throw new VolumeSetupError(`invalid item path ${path}`);
    wanted.add(target);
    if (readIfThere(target) === value) continue;
    mkdirSync(dirname(target), { recursive: true });
    const temp = join(dirname(target), `.${randomBytes(6).toString('hex')}.tmp`);
    writeFileSync(temp, value, { mode });
    renameSync(temp, target);
  }
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (!wanted.has(path) && ![...wanted].some((w) => w.startsWith(`${path}/`))) await rm(path, { recursive: true, force: true });
  }
}

/** Re-writes the pod's configMap and secret volumes from their current objects. */
export async function refreshProjectedVolumes(stateDir: string, pod: Pod, sources: EnvSources, runDir: string): Promise<void> {
  const uid = pod.metadata?.uid ?? '';
  for (const v of pod.spec.volumes ?? []) {
    if (v.configMap || v.secret || v.downwardAPI || v.projected) await applyFsGroup(await setUpVolume(volumeDir(stateDir, runDir, uid, v), v, pod, sources), v, pod);
  }
}

/** Kubernetes backs these with memory (atomic-writer volumes on a tmpfs). */
function memoryBacked(v: VolumeSpec): boolean {
  return Boolean(v.secret || v.projected || v.downwardAPI);
}

function volumeDir(stateDir: string, runDir: string, uid: string, v: VolumeSpec): string {
  const inState = join(podDir(stateDir, uid), 'volumes', v.name);
  if (!memoryBacked(v) || runDir === stateDir) return inState;
  // A pod started by a skiff that kept these in the state folder keeps its folder: its
  // containers have that one mounted, and updates must reach it.
  return existsSync(inState) ? inState : join(podDir(runDir, uid), 'volumes', v.name);
}

async function isMountPoint(path: string): Promise<boolean> {
  const mounts = await readFile('/proc/self/mounts', 'utf8');
  return mounts.split('\n').some((l) => l.split(' ')[1] === path);
}

/** Makes every volume's host folder; returns name -> host path. */
export async function setUpVolumes(stateDir: string, pod: Pod, sources: EnvSources, runDir: string): Promise<Map<string, string>> {
  const uid = pod.metadata?.uid ?? '';
  const paths = new Map<string, string>();
  for (const v of pod.spec.volumes ?? []) {
    const path = await setUpVolume(volumeDir(stateDir, runDir, uid, v), v, pod, sources);
    await applyFsGroup(path, v, pod);
    paths.set(v.name, path);
  }
  return paths;
}

/**
 * fsGroup: the volume's files belong to that group, group-readable (and writable for
 * emptyDir), folders setgid so new files inherit it, as the kubelet's SetVolumeOwnership.
 * hostPath volumes are left as they are, as upstream does.
 */
async function applyFsGroup(path: string, v: VolumeSpec, pod: Pod): Promise<void> {
  const gid = pod.spec.securityContext?.fsGroup;
  if (gid === undefined || v.hostPath) return;
  const writable = !(v.configMap || v.secret || v.downwardAPI || v.projected);
  await run('chown', ['-R', `:${gid}`, path]);
  await run('chmod', ['-R', writable ? 'g+rwX' : 'g+rX', path]);
  await run('find', [path, '-type', 'd', '-exec', 'chmod', 'g+s', '{}', '+']);
}

async function setUpVolume(dir: string, v: VolumeSpec, pod: Pod, sources: EnvSources): Promise<string> {
  const namespace = pod.metadata?.namespace ?? 'default';
  if (v.hostPath) {
    if (v.hostPath.type === 'DirectoryOrCreate') await mkdir(v.hostPath.path, { recursive: true });
    return v.hostPath.path;
  }
  if (v.downwardAPI || v.projected) {
    await writeKeys(dir, await projectedData(v, pod, sources), undefined, 0o644);
    return dir;
  }
  if (v.configMap || v.secret) {
    const data = v.configMap ? await sources.configMap(namespace, v.configMap.name) : await sources.secret(namespace, v.secret!.secretName);
    const optional = (v.configMap ?? v.secret)?.optional === true;
    if (!data && !optional) throw new VolumeSetupError(v.configMap ? `configmap "${v.configMap.name}" not found` : `secret "${v.secret!.secretName}" not found`);
    await writeKeys(dir, data ?? {}, (v.configMap ?? v.secret)?.items, 0o644);
    return dir;
  }
  await mkdir(dir, { recursive: true });
  if (v.emptyDir?.medium === 'Memory' && !(await isMountPoint(dir))) {
    const size = v.emptyDir.sizeLimit ? [`-o`, `size=${v.emptyDir.sizeLimit.replace(/i$/, '')}`] : [];
    await run('mount', ['-t', 'tmpfs', ...size, 'tmpfs', dir]);
  }
  return dir;
}

/** Whole label/annotation maps are written one `key="value"` per line, sorted, as the kubelet does. */
function downwardValue(pod: Pod, fieldPath: string): string {
  if (fieldPath === 'metadata.labels' || fieldPath === 'metadata.annotations') {
    const map = (fieldPath === 'metadata.labels' ? pod.metadata?.labels : pod.metadata?.annotations) ?? {};
    return Object.keys(map).sort().map((k) => `${k}=${JSON.stringify(map[k])}`).join('\n');
  }
  return fieldRefValue(pod, { nodeName: pod.spec.nodeName ?? '' }, fieldPath);
}

const rootCAConfigMap = 'kube-root-ca.crt';

/** The files of a downwardAPI or projected volume (service-account tokens through TokenRequest, tokens.ts). */
async function projectedData(v: VolumeSpec, pod: Pod, sources: EnvSources): Promise<Record<string, string>> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const out: Record<string, string> = {};
  const pick = (data: Record<string, string>, items: Array<{ key: string; path: string }> | undefined): void => {
    if (!items) Object.assign(out, data);
    else for (const i of items) if (i.key in data) out[i.path] = data[i.key] ?? '';
  };
  const downward = (items: Array<{ path: string; fieldRef?: { fieldPath: string } }> | undefined): void => {
    for (const i of items ?? []) if (i.fieldRef) out[i.path] = downwardValue(pod, i.fieldRef.fieldPath);
  };
  downward(v.downwardAPI?.items);
  for (const src of v.projected?.sources ?? []) {
    if (src.configMap || src.secret) {
      const ref = (src.configMap ?? src.secret)!;
      let data = src.configMap ? await sources.configMap(namespace, ref.name) : await sources.secret(namespace, ref.name);
      // No root CA publisher has written kube-root-ca.crt yet: the CA this agent trusts is the same.
      const ca = !data && src.configMap?.name === rootCAConfigMap ? sources.tokens?.clusterCA() : undefined;
      if (ca) data = { 'ca.crt': ca };
      if (!data && ref.optional !== true) throw new VolumeSetupError(`${src.configMap ? 'configmap' : 'secret'} "${ref.name}" not found`);
      pick(data ?? {}, ref.items);
    }
    downward(src.downwardAPI?.items);
    const sat = src.serviceAccountToken;
    if (sat && sources.tokens) {
      const token = await sources.tokens.serviceAccountToken({
        namespace, serviceAccount: pod.spec.serviceAccountName ?? pod.spec.serviceAccount ?? 'default', pod: { name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
        path: sat.path, ...(sat.audience ? { audience: sat.audience } : {}), ...(sat.expirationSeconds ? { expirationSeconds: sat.expirationSeconds } : {}),
      }).catch((err: unknown) => { throw new VolumeSetupError(`failed to fetch token: ${err instanceof Error ? err.message : String(err)}`); });
      if (token !== undefined) out[sat.path] = token;
    }
  }
  return out;
}

/** The engine mounts for one container. */
export function containerMounts(volumePaths: ReadonlyMap<string, string>, mounts: Array<{ name: string; mountPath: string; readOnly?: boolean; subPath?: string }>, pod: Pod): VolumeMount[] {
  const out: VolumeMount[] = [];
  for (const m of mounts) {
    const base = volumePaths.get(m.name);
    if (!base) throw new VolumeSetupError(`volume "${m.name}" not found in the pod`);
    const spec = pod.spec.volumes?.find((v) => v.name === m.name);
    const readOnly = m.readOnly === true || Boolean(spec?.configMap || spec?.secret || spec?.downwardAPI || spec?.projected);
    out.push({ source: m.subPath ? join(base, m.subPath) : base, destination: m.mountPath, readOnly });
  }
  return out;
}

/** Unmounts tmpfs volumes and removes the pod's folders (in the state and the run folder). */
export async function tearDownVolumes(stateDir: string, uid: string, runDir: string): Promise<void> {
  const dirs = [...new Set([podDir(stateDir, uid), podDir(runDir, uid)])];
  const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => dirs.some((dir) => m.startsWith(`${dir}/`)));
  for (const m of mounts.reverse()) await run('umount', [m]);
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
}
