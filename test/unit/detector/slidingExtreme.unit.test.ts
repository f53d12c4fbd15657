import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlidingExtreme } from '../../../src/core/detector/slidingExtreme';
import { WINDOW } from '../../../src/core/detector/thresholds';
import { rng } from '../synthetic';

describe('sliding extreme', () => {
  it('is the minimum and the maximum of the last WINDOW values at every step', () => {
    const random = rng(3);
    const lowest = new SlidingExtreme(-1);
    const highest = new SlidingExtreme(1);
    const values: number[] = [];
    for (let i = 0; i < 1000; i++) {
      // runs of rising and falling values, and repeats, so the queue both grows and empties
      const value = Math.round(random() * 20) + (Math.floor(i / 100) % 2 === 0 ? i : -i);
      values.push(value);
      lowest.push(i, value, i - WINDOW + 1);
      highest.push(i, value, i - WINDOW + 1);
      const window = values.slice(-WINDOW);
      assert.equal(lowest.value, Math.min(...window), `min at ${i}`);
      assert.equal(highest.value, Math.max(...window), `max at ${i}`);
    }
  });
});
