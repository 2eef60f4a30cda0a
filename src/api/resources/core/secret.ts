/** core/v1 Secret: type Opaque by default, stringData folded into base64 data, typed-secret keys. */
import type { FieldError, KubeObject, StrategyContext } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, createdAt, nameColumn, nameOf } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { immutable, invalid, required } from '../../meta/field-errors.js';
import { ensureRecord, isRecord, recordAt, setDefaultString, stringAt, type JsonRecord } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';
import { countKeys, validateConfigKeys, validateImmutableData } from './config-data.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Keys each well-known secret type must carry. */
const REQUIRED_KEYS: Record<string, readonly string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

function defaultSecret(obj: KubeObject): void {
  setDefaultString(obj as JsonRecord, 'type', 'Opaque');
  // stringData is write-only: upstream merges it into data (base64) and never stores it.
  const stringData = obj['stringData'];
  if (isRecord(stringData)) {
    const data = ensureRecord(obj as JsonRecord, 'data');
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete obj['stringData'];
  }
}

function validateSecret(obj: KubeObject): FieldError[] {
  const errs = validateConfigKeys(obj['data'], 'data');
  const data = recordAt(obj, 'data') ?? {};
  for (const [k, v] of Object.entries(data)) {
    if (typeof v !== 'string' || v.length % 4 !== 0 || !BASE64.test(v)) errs.push(invalid(`data[${k}]`, '<secret contents redacted>', 'must be base64-encoded'));
  }
  const type = stringAt(obj, 'type') ?? 'Opaque';
  for (const key of REQUIRED_KEYS[type] ?? []) if (!(key in data)) errs.push(required(`data[${key}]`));
  if (type === 'kubernetes.io/service-account-token' && !obj.metadata?.annotations?.['kubernetes.io/service-account.name']) {
    errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
  }
  return errs;
}

export const secrets = defineResource({
  group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true,
  schemaName: 'io.k8s.api.core.v1.Secret',
  strategy: makeStrategy({
    defaults: defaultSecret,
    validate: validateSecret,
    validateUpdate(obj, old) {
      const errs = validateImmutableData(obj, old, ['data']);
      if ((stringAt(obj, 'type') ?? 'Opaque') !== (stringAt(old, 'type') ?? 'Opaque')) errs.push(immutable('type', stringAt(obj, 'type') ?? ''));
      return errs;
    },
  }),
  columns: [
    nameColumn,
    column('Type', 'The type of the secret'),
    column('Data', 'Number of keys in the secret.'),
    ageColumn,
  ],
  row: (s: KubeObject, ctx: StrategyContext) => [nameOf(s), stringAt(s, 'type') ?? 'Opaque', countKeys(s['data']), ageOf(createdAt(s), ctx.now)],
});
