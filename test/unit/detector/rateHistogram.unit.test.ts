import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateHistogram } from '../../../src/core/detector/rateHistogram';
import { RATE_BINS } from '../../../src/core/detector/thresholds';
import { MB } from '../synthetic';

describe('rate histogram', () => {
  it('bins the time between samples by rate, and caps gaps', () => {
    const rates = new RateHistogram();
    rates.add(0, 0);
    rates.add(1, 0); // still: bin 0
    rates.add(2, MB); // 1 MiB/s: bin 5
    rates.add(12, MB); // a 10-s gap counts 2 s
    const total = rates.totals.reduce((a, b) => a + b, 0);
    assert.equal(total, 4);
    assert.equal(rates.totals[0], 3);
    assert.equal(rates.totals[5], 1);
  });

  it('tells a staircase (plateaus) from a steady climb since a snapshot', () => {
    const zero = new Float64Array(RATE_BINS);
    const steps = new RateHistogram();
    const climb = new RateHistogram();
    for (let i = 0; i <= 240; i++) {
      const t = i / 4;
      steps.add(t, Math.floor(t / 10) * 10 * MB);
      climb.add(t, t * MB);
    }
    assert.ok(steps.isStaircase(zero, 0, MB));
    assert.ok(!climb.isStaircase(zero, 0, MB));
    assert.ok(!climb.isStaircase(zero, 0, 0), 'no growth rate, no staircase');
  });
});
