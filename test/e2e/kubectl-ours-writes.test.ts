/**
 * skiff kubectl against the real kubectl 1.32: same arguments, same server, same output.
 * Verbs that change state run on the real kubectl first, then the state is reset and ours
 * runs the same step, so each sees the same starting point.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { eventually } from './helpers/server.js';
import { assertSameOutput, kubectlWorkspace, podYaml, sameSequence } from './kubectl-ours-helpers.js';

test('skiff kubectl writes as kubectl 1.32 does: create, apply, delete, label, patch, scale', { timeout: 240_000 }, async (t) => {
  const { k, pod, deploy, resetPod, freshPod } = await kubectlWorkspace(t);

  await t.test('create -f twice: created, then AlreadyExists', async () => {
    await sameSequence(k, resetPod, [{ args: ['create', '-f', pod] }, { args: ['create', '-f', pod] }]);
    // stdin, multi-document YAML and JSON in one go.
    const stdin = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: in1}\n---\n{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "in2"}}\n';
    const resetConfigMaps = async (): Promise<void> => { await k.ours(['delete', 'configmap', 'in1', 'in2', '--ignore-not-found']); };
    await sameSequence(k, resetConfigMaps, [{ args: ['create', '-f', '-'], stdin }, { args: ['apply', '-f', '-'], stdin }, { args: ['delete', '-f', '-'], stdin }]);
  });

  await t.test('apply -f three times: created, unchanged, configured', async () => {
    await sameSequence(k, resetPod, [
      { args: ['apply', '-f', pod] },
      { args: ['apply', '-f', pod] },
      { args: ['apply', '-f', pod], before: () => writeFileSync(pod, podYaml('nginx:1.28')) },
      { args: ['get', 'pod', 'nginx', '-o', 'jsonpath={.spec.containers[0].image} {.metadata.annotations}'] },
    ]);
  });

  await t.test('apply --server-side', async () => {
    await sameSequence(k, resetPod, [{ args: ['apply', '--server-side', '-f', pod] }, { args: ['apply', '--server-side', '-f', pod] }]);
  });

  await t.test('delete -f, then NotFound', async () => {
    await sameSequence(k, freshPod, [
      { args: ['delete', 'pod', 'nginx', '--dry-run=client'] },
      { args: ['label', 'pod', 'nginx', 'dry=run', '--dry-run=client'] },
      { args: ['scale', 'deployment', 'missing', '--replicas=2', '--dry-run=client'] },
      { args: ['get', 'pod', 'nginx', '-o', 'jsonpath={.metadata.name} {.metadata.labels}'] },
      { args: ['delete', '-f', pod] }, { args: ['delete', '-f', pod] }, { args: ['delete', 'pod', 'nginx', '--ignore-not-found'] }]);
  });

  await t.test('label and annotate', async () => {
    await sameSequence(k, freshPod, [
      { args: ['label', 'pod', 'nginx', 'tier=web'] },
      { args: ['label', 'pod', 'nginx', 'tier=db'] },
      { args: ['label', 'pod', 'nginx', 'tier=db', '--overwrite'] },
      { args: ['label', 'pod', 'nginx', 'tier-'] },
      { args: ['annotate', 'pod', 'nginx', 'note=hello'] },
      { args: ['annotate', 'pods/nginx', 'note-'] },
      { args: ['get', 'pod', 'nginx', '--show-labels'] },
    ]);
  });

  await t.test('patch: strategic, merge and json', async () => {
    await sameSequence(k, freshPod, [
      { args: ['patch', 'pod', 'nginx', '-p', '{"metadata":{"labels":{"a":"1"}}}'] },
      { args: ['patch', 'pod', 'nginx', '--type', 'merge', '-p', '{"metadata":{"labels":{"b":"2"}}}'] },
      { args: ['patch', 'pod', 'nginx', '--type=json', '-p', '[{"op":"add","path":"/metadata/labels/c","value":"3"}]'] },
      { args: ['patch', 'pod', 'nginx', '--type', 'merge', '-p', '{"metadata":{"labels":{"b":"2"}}}'] },
      { args: ['get', 'pod', 'nginx', '--show-labels'] },
    ]);
  });

  await t.test('get -w: list and single object watches print the same rows', async () => {
    await freshPod();
    for (const args of [['get', 'pods', '-w'], ['get', 'pod', 'nginx', '-w']]) {
      const real = k.startReal(args);
      const ours = k.startOurs(args);
      t.after(async () => { await real.kill(); await ours.kill(); });
      const lines = (r: { output(): string }): number => r.output().split('\n').filter((l) => l !== '').length;
      await eventually(() => lines(real) >= 2 && lines(ours) >= 2, 15000);
      // Give both watches time to be established before the change they must report.
      await new Promise((r) => setTimeout(r, 1000));
      const labelled = await k.ours(['label', 'pod', 'nginx', `watch=${args.length}`, '--overwrite']);
      assert.equal(labelled.code, 0, labelled.stderr);
      await eventually(() => lines(real) >= 3 && lines(ours) >= 3, 15000);
      await real.kill();
      await ours.kill();
      assertSameOutput(ours.output(), real.output(), `output of: ${args.join(' ')}`);
    }
  });

  await t.test('scale deployment', async () => {
    const resetDeploy = async (): Promise<void> => {
      await k.ours(['delete', 'deployment', 'web', '--ignore-not-found']);
      await k.ours(['create', '-f', deploy]);
    };
    await sameSequence(k, resetDeploy, [
      { args: ['scale', 'deployment', 'web', '--replicas=3'] },
      { args: ['scale', 'deploy/web', '--replicas', '2'] },
      { args: ['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}'] },
    ]);
  });

});
