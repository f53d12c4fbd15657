import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { returnsToBase } from '../../../src/core/detector/baseReturns';
import { TeethTracker } from '../../../src/core/detector/teethTracker';
import { MB } from '../synthetic';

/** 2-s teeth of 30 MB sampled at 4 Hz, tooth k's trough at `trough(k)`; returns the time after the last. */
function feed(tracker: TeethTracker, teeth: number, trough: (k: number) => number): number {
  let t = 0;
  tracker.start(0, trough(0));
  for (let k = 0; k < teeth; k++) {
    for (let i = 0; i < 8; i++, t += 0.25) tracker.update(t, trough(k) + (30 * MB * i) / 7);
  }
  tracker.update(t, trough(teeth));
  tracker.update(t + 0.25, trough(teeth) + 15 * MB);
  return t + 0.25;
}

describe('returns to base', () => {
  const wandering = [0, 50, 45, 60, 0, 55, 40, 0, 62, 48, 58, 0, 44, 52, 0, 60, 50];

  it('troughs that wander between returns to the same base: returns', () => {
    const tracker = new TeethTracker();
    const now = feed(tracker, wandering.length, (k) => (34 + wandering[k % wandering.length]) * MB);
    assert.equal(returnsToBase(tracker, 0, now, 60 * MB, 16 * MB, 0.25), true);
  });

  it('a climb well past the highest peak is new growth', () => {
    const tracker = new TeethTracker();
    const now = feed(tracker, wandering.length, (k) => (34 + wandering[k % wandering.length]) * MB);
    assert.equal(returnsToBase(tracker, 0, now, 140 * MB, 16 * MB, 0.25), false);
  });

  it('troughs that ratchet never return', () => {
    const tracker = new TeethTracker();
    const now = feed(tracker, 20, (k) => (34 + 6 * k) * MB);
    assert.equal(returnsToBase(tracker, 0, now, 150 * MB, 16 * MB, 0.25), false);
  });

  it('a ratchet that full collections reset is not a return: its runs climb tooth after tooth', () => {
    const tracker = new TeethTracker();
    const now = feed(tracker, 24, (k) => (34 + (k % 6) * 8) * MB);
    assert.equal(returnsToBase(tracker, 0, now, 100 * MB, 16 * MB, 0.25), false);
  });

  it('needs three returns, in both halves', () => {
    const tracker = new TeethTracker();
    const now = feed(tracker, 8, (k) => (k === 0 || k === 6 ? 34 : 80) * MB);
    assert.equal(returnsToBase(tracker, 0, now, 100 * MB, 16 * MB, 0.25), false);
  });
});
