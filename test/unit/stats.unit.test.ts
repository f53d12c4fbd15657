import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mannKendallZ, medianOf, theilSenSlope } from '../../src/core/stats';

describe('robust statistics', () => {
  it('medianOf agrees with sorting', () => {
    const scratch = new Float64Array(32);
    for (let n = 1; n <= 21; n++) {
      const values = Array.from({ length: n + 3 }, (_, i) => Math.sin(i * 7.3) * 100);
      const slice = values.slice(2, 2 + n).sort((a, b) => a - b);
      const expected = n % 2 ? slice[n >> 1] : (slice[n / 2 - 1] + slice[n / 2]) / 2;
      assert.equal(medianOf(values, 2, 2 + n, scratch), expected);
    }
  });

  it('Theil–Sen ignores a gross outlier that least squares would follow', () => {
    const ts = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const ys = ts.map((t) => 2 * t + 1);
    ys[9] = 1000;
    assert.equal(theilSenSlope(ts, ys, ts.length), 2);
  });

  it('Mann–Kendall Z is large for a monotone series and zero for a constant one', () => {
    const n = 20;
    assert.ok(mannKendallZ((n * (n - 1)) / 2, n) > 5);
    assert.equal(mannKendallZ(0, n), 0);
    assert.ok(mannKendallZ(-(n * (n - 1)) / 2, n) < -5);
  });
});
