import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errors } from './errors.js';

test('NotFound names the group-qualified resource, as kubectl prints it', () => {
  const s = errors.notFound('deployments', 'apps', 'web').toStatus();
  assert.equal(s.code, 404);
  assert.equal(s.reason, 'NotFound');
  assert.equal(s.message, 'deployments.apps "web" not found');
  assert.deepEqual(s.details, { name: 'web', group: 'apps', kind: 'deployments' });
});

test('Invalid lists every failing field and carries them as causes', () => {
  const e = errors.invalid('Pod', '', 'p', [
    { field: 'spec.containers', type: 'FieldValueRequired', message: 'Required value' },
    { field: 'metadata.name', type: 'FieldValueInvalid', message: 'Invalid value: "A": must be lowercase' },
  ]);
  const s = e.toStatus();
  assert.equal(s.code, 422);
  assert.equal(s.message, 'Pod "p" is invalid: [spec.containers: Required value, metadata.name: Invalid value: "A": must be lowercase]');
  assert.equal(s.details?.causes?.length, 2);
  assert.equal(s.details?.causes?.[0]?.field, 'spec.containers');
});
