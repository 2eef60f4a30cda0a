/**
 * Beyond upstream: a Deployment annotated `skiff.dev/auto-rollback: "true"` whose new revision
 * exceeds its progress deadline goes back to the previous revision's template, as a user's
 * `kubectl rollout undo` would. The failed template's hash is remembered in
 * `skiff.dev/rolled-back-from` so a rollback never returns to it by itself (no ping-pong when
 * the previous revision fails too).
 */
import type { Deployment, ReplicaSet } from '../base/objects.js';
import type { ReplicaSetWriter } from './new-replicaset.js';
import { hashLabel, revisionOf, templateWithoutHash } from './revisions.js';
import { reasons } from './status.js';

export const autoRollbackAnnotation = 'skiff.dev/auto-rollback';
export const rolledBackFromAnnotation = 'skiff.dev/rolled-back-from';

/** The ReplicaSet to roll back to, if the Deployment asks for it and one fits. */
export function rollbackTarget(d: Deployment, status: NonNullable<Deployment['status']>, all: readonly ReplicaSet[], newRS: ReplicaSet | undefined): ReplicaSet | undefined {
  if (d.metadata.annotations?.[autoRollbackAnnotation] !== 'true' || !newRS || d.spec.paused) return undefined;
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.status !== 'False' || progressing.reason !== reasons.timedOut) return undefined;
  const failedHash = newRS.metadata.labels?.[hashLabel];
  const previous = all.filter((rs) => rs !== newRS && revisionOf(rs) < revisionOf(newRS)).sort((a, b) => revisionOf(b) - revisionOf(a))[0];
  if (!previous || previous.metadata.labels?.[hashLabel] === d.metadata.annotations?.[rolledBackFromAnnotation]) return undefined;
  if (previous.metadata.labels?.[hashLabel] === failedHash) return undefined;
  return previous;
}

/** Rolls back when rollbackTarget says so; returns the ReplicaSet rolled back to. */
export async function maybeAutoRollback(w: ReplicaSetWriter, d: Deployment, status: NonNullable<Deployment['status']>, all: readonly ReplicaSet[], newRS: ReplicaSet | undefined): Promise<ReplicaSet | undefined> {
  const target = rollbackTarget(d, status, all, newRS);
  if (!target || !newRS) return undefined;
  // JSON patch with a resourceVersion test: only the Deployment we judged is rolled back.
  await w.dClient.patch(d.metadata.namespace, d.metadata.name ?? '', 'json', [
    { op: 'test', path: '/metadata/resourceVersion', value: d.metadata.resourceVersion },
    { op: 'replace', path: '/spec/template', value: templateWithoutHash(target.spec.template) },
    { op: 'add', path: '/metadata/annotations', value: { ...(d.metadata.annotations ?? {}), [rolledBackFromAnnotation]: newRS.metadata.labels?.[hashLabel] ?? '' } },
  ]);
  return target;
}
