import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Heap } from './heap.js';

test('heap pops in order after random pushes, replacements and deletions', () => {
  let seed = 42;
  const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
  const heap = new Heap<{ k: string; v: number }>((x) => x.k, (a, b) => a.v < b.v);
  const model = new Map<string, number>();
  for (let i = 0; i < 2000; i++) {
    const k = `k${rand(300)}`;
    const op = rand(3);
    if (op < 2) { const v = rand(1000); heap.push({ k, v }); model.set(k, v); } else { heap.delete(k); model.delete(k); }
  }
  assert.equal(heap.size, model.size);
  const popped: number[] = [];
  for (let x = heap.pop(); x; x = heap.pop()) {
    assert.equal(model.get(x.k), x.v);
    popped.push(x.v);
  }
  assert.deepEqual(popped, [...model.values()].sort((a, b) => a - b));
});
