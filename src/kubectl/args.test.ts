import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, splitCommand, flagArray, flagBool, flagString } from './args.js';

test('args: flags anywhere, = and separate values, grouped shorthands, repeatable', () => {
  const p = parseArgs(['pods', '-n', 'kube-system', '-oyaml', '--selector=app=x', 'web', '-Aw', '-f', 'a.yaml', '-f=b.yaml'], {
    output: { type: 'string', short: 'o' }, selector: { type: 'string', short: 'l' }, 'all-namespaces': { type: 'bool', short: 'A' },
    watch: { type: 'bool', short: 'w' }, filename: { type: 'array', short: 'f' },
  });
  assert.deepEqual(p.positional, ['pods', 'web']);
  assert.equal(flagString(p, 'namespace'), 'kube-system');
  assert.equal(flagString(p, 'output'), 'yaml');
  assert.equal(flagString(p, 'selector'), 'app=x');
  assert.equal(flagBool(p, 'all-namespaces'), true);
  assert.equal(flagBool(p, 'watch'), true);
  assert.deepEqual(flagArray(p, 'filename'), ['a.yaml', 'b.yaml']);
  assert.throws(() => parseArgs(['--nope'], {}), /unknown flag: --nope/);
});

test('args: the verb is found after global flags that take values', () => {
  assert.deepEqual(splitCommand(['-n', 'x', '--kubeconfig', 'k', 'get', 'pods']), { verb: 'get', index: 4 });
  assert.deepEqual(splitCommand(['--context=c', 'config', 'view']), { verb: 'config', index: 1 });
});
