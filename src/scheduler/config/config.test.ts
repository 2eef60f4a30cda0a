import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSchedulerConfig, resolveProfiles } from './config.js';

const implementsAll = (): boolean => true;

test('a KubeSchedulerConfiguration file: two profiles, weights, args, percentage', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-sched-cfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, [
    'apiVersion: kubescheduler.config.k8s.io/v1',
    'kind: KubeSchedulerConfiguration',
    'percentageOfNodesToScore: 20',
    'profiles:',
    '- schedulerName: default-scheduler',
    '- schedulerName: bin-packer',
    '  plugins:',
    '    score:',
    '      disabled: [{name: NodeResourcesBalancedAllocation}]',
    '      enabled: [{name: NodeResourcesFit, weight: 5}]',
    '  pluginConfig:',
    '  - name: NodeResourcesFit',
    '    args: {scoringStrategy: {type: MostAllocated}}',
  ].join('\n'));
  const [def, packer] = resolveProfiles(loadSchedulerConfig(file), implementsAll);
  assert.equal(def?.schedulerName, 'default-scheduler');
  assert.equal(def?.percentageOfNodesToScore, 20);
  assert.ok(def?.points.score.includes('NodeResourcesBalancedAllocation'));
  assert.equal(packer?.schedulerName, 'bin-packer');
  assert.equal(packer?.points.score.includes('NodeResourcesBalancedAllocation'), false);
  assert.equal(packer?.weights.get('NodeResourcesFit'), 5);
  assert.deepEqual(packer?.args.get('NodeResourcesFit'), { scoringStrategy: { type: 'MostAllocated' } });
  writeFileSync(file, 'kind: Deployment\n');
  assert.throws(() => loadSchedulerConfig(file), /not KubeSchedulerConfiguration/);
});
