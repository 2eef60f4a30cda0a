import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Quantity, parseQuantity } from './quantity.js';

describe('quantity canonical form', () => {
  // [written, canonical, format]
  const cases: Array<[string, string, string]> = [
    ['0', '0', 'DecimalSI'],
    ['-0', '0', 'DecimalSI'],
    ['0Mi', '0', 'BinarySI'],
    ['2', '2', 'DecimalSI'],
    ['+2', '2', 'DecimalSI'],
    ['007', '7', 'DecimalSI'],
    ['100m', '100m', 'DecimalSI'],
    ['1000m', '1', 'DecimalSI'],
    ['1.5', '1500m', 'DecimalSI'],
    ['0.1', '100m', 'DecimalSI'],
    ['.5', '500m', 'DecimalSI'],
    ['5.', '5', 'DecimalSI'],
    ['1.5u', '1500n', 'DecimalSI'],
    ['1n', '1n', 'DecimalSI'],
    ['0.5n', '1n', 'DecimalSI'],           // rounded up to nano precision
    ['1k', '1k', 'DecimalSI'],
    ['1000', '1k', 'DecimalSI'],
    ['1500', '1500', 'DecimalSI'],
    ['1.5k', '1500', 'DecimalSI'],
    ['1000k', '1M', 'DecimalSI'],
    ['100M', '100M', 'DecimalSI'],
    ['12G', '12G', 'DecimalSI'],
    ['1E', '1E', 'DecimalSI'],
    ['1000E', '1000E', 'DecimalSI'],       // no SI suffix beyond E
    ['1Ki', '1Ki', 'BinarySI'],
    ['1Gi', '1Gi', 'BinarySI'],
    ['1024Mi', '1Gi', 'BinarySI'],
    ['1.5Gi', '1536Mi', 'BinarySI'],
    ['1025Ki', '1025Ki', 'BinarySI'],
    ['0.5Ki', '512', 'BinarySI'],          // below 1Ki binary prints as decimal
    ['1.1Mi', '1153433600m', 'BinarySI'],  // fractional bytes fall back to decimal
    ['2048', '2048', 'DecimalSI'],         // no suffix written: decimal, even when a power of two
    ['-1Ki', '-1Ki', 'BinarySI'],
    ['-100m', '-100m', 'DecimalSI'],
    ['1e3', '1e3', 'DecimalExponent'],
    ['1E3', '1e3', 'DecimalExponent'],
    ['1e+3', '1e3', 'DecimalExponent'],
    ['1.5e3', '1500', 'DecimalExponent'],
    ['1e-3', '1e-3', 'DecimalExponent'],
    ['12e-1', '1200e-3', 'DecimalExponent'],
    ['10e5', '1e6', 'DecimalExponent'],
    ['1500e-3', '1500e-3', 'DecimalExponent'],
    ['129e6', '129e6', 'DecimalExponent'],
    ['0.001e3', '1', 'DecimalExponent'],
  ];
  for (const [written, canonical, format] of cases) {
    test(`${written} -> ${canonical}`, () => {
      const parsed = parseQuantity(written);
      assert.ok(parsed.ok, !parsed.ok ? parsed.error : '');
      assert.equal(parsed.value.toString(), canonical);
      assert.equal(parsed.value.format, format);
      // The canonical form is stable.
      assert.equal(Quantity.must(canonical).toString(), canonical);
      assert.ok(Quantity.must(canonical).equals(parsed.value), 'canonical form keeps the value');
    });
  }
});

describe('quantity parse errors', () => {
  for (const bad of ['', 'abc', '1e', '1K', '1ki', '1.2.3', '1 Gi', '1Gi3', '1k3', '-', '.', 'Gi', '1e99999']) {
    test(JSON.stringify(bad), () => {
      const parsed = parseQuantity(bad);
      assert.equal(parsed.ok, false);
      assert.match(!parsed.ok ? parsed.error : '', /quantit|suffix/);
    });
  }
  test('must() throws on a bad quantity', () => {
    assert.throws(() => Quantity.must('12K'), /suffix/);
  });
});

describe('quantity arithmetic and values', () => {
  const values: Array<[string, number, number]> = [
    // [written, value (rounded away from zero), milliValue]
    ['100m', 1, 100],
    ['1.5', 2, 1500],
    ['2', 2, 2000],
    ['1Gi', 1073741824, 1073741824000],
    ['1n', 1, 1],
    ['-1.5', -2, -1500],
    ['250u', 1, 1],
  ];
  for (const [written, value, milli] of values) {
    test(`${written} is ${value} units and ${milli} milli-units`, () => {
      const q = Quantity.must(written);
      assert.equal(q.value(), value);
      assert.equal(q.milliValue(), milli);
    });
  }

  test('add, sub and cmp work exactly across suffix families', () => {
    const sum = Quantity.must('100m').add(Quantity.must('1'));
    assert.equal(sum.toString(), '1100m');
    assert.equal(Quantity.must('1Gi').add(Quantity.must('512Mi')).toString(), '1536Mi');
    assert.equal(Quantity.must('1').sub(Quantity.must('250m')).toString(), '750m');
    assert.equal(Quantity.must('1Ki').cmp(Quantity.must('1k')), 1);
    assert.equal(Quantity.must('1000m').cmp(Quantity.must('1')), 0);
    assert.equal(Quantity.must('0.1').add(Quantity.must('0.2')).equals(Quantity.must('300m')), true, 'no floating point drift');
  });

  test('constructors and JSON use the canonical form', () => {
    assert.equal(Quantity.fromMilli(250).toString(), '250m');
    assert.equal(Quantity.fromValue(4 * 1024 * 1024, 'BinarySI').toString(), '4Mi');
    assert.equal(JSON.stringify({ cpu: Quantity.must('1.5') }), '{"cpu":"1500m"}');
    assert.equal(Quantity.must('0').isZero(), true);
  });
});
