import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TeethTracker, TeethTrend } from '../../../src/core/detector/teethTracker';
import { MB } from '../synthetic';

/** A sawtooth sampled at 4 Hz: 2-s teeth of `height`, troughs at `trough(k)`. */
function feed(tracker: TeethTracker, teeth: number, height: number, trough: (k: number) => number): number {
  let t = 0;
  tracker.start(0, trough(0));
  for (let k = 0; k < teeth; k++) {
    for (let i = 0; i < 8; i++, t += 0.25) tracker.update(t, trough(k) + (height * i) / 7);
  }
  // the last drop, confirmed by the start of the next climb
  tracker.update(t, trough(teeth));
  tracker.update(t + 0.25, trough(teeth) + height / 2);
  return t + 0.25;
}

describe('teeth tracker', () => {
  it('counts each rise and drop once, with its trough, peak and drop', () => {
    const tracker = new TeethTracker();
    feed(tracker, 10, 100 * MB, () => 200 * MB);
    assert.equal(tracker.count, 10);
    assert.equal(tracker.troughBytes[3], 200 * MB);
    assert.equal(tracker.peakBytes[3], 300 * MB);
    assert.equal(tracker.drop[3], 100 * MB);
  });

  it('ignores wiggles below the reversal', () => {
    const tracker = new TeethTracker();
    tracker.start(0, 500 * MB);
    for (let i = 1; i < 400; i++) tracker.update(i / 4, 500 * MB + (i % 2) * MB);
    assert.equal(tracker.count, 0);
  });

  it('finds a trend in climbing troughs and none in level ones', () => {
    const climbing = new TeethTracker();
    feed(climbing, 12, 100 * MB, (k) => 100 * MB + k * 5 * MB);
    const trend = climbing.trend(0, new TeethTrend());
    assert.ok(trend.z > 2.58, `z ${trend.z}`);
    assert.ok(trend.rise > 20 * MB, `rise ${trend.rise}`);
    const level = new TeethTracker();
    const end = feed(level, 12, 100 * MB, () => 100 * MB);
    assert.equal(level.trend(0, new TeethTrend()).z, 0);
    assert.ok(level.withinRecentTeeth(end, 150 * MB, 16 * MB));
    // far above the recent peaks: not the next tooth
    assert.ok(!level.withinRecentTeeth(end, 400 * MB, 16 * MB));
  });

  it('summarises the teeth since a time, with the troughs slope', () => {
    const tracker = new TeethTracker();
    feed(tracker, 10, 100 * MB, (k) => 100 * MB + k * MB);
    const all = tracker.since(0, true);
    assert.equal(all.teeth, 10);
    assert.ok(Math.abs((all.troughSlope ?? 0) - MB / 2) < 1e-6 * MB, `slope ${all.troughSlope}`);
    assert.equal(tracker.since(1e9, false).teeth, 0);
  });

  it('sees a sawtooth pinned at a ceiling: the troughs since then, and no climb when they wander', () => {
    // 20 teeth up to 290 MB, troughs wandering 70-250 MB
    const wander = [150, 90, 200, 120, 240, 80, 170, 110, 230, 70, 190, 140, 100, 210, 160, 90, 250, 130, 180, 120, 200];
    const ceiling = new TeethTracker();
    ceiling.start(0, wander[0] * MB);
    let t = 0;
    for (let k = 0; k < 20; k++) {
      for (let i = 0; i < 4; i++, t += 0.25) ceiling.update(t, wander[k] * MB + ((290 - wander[k]) * MB * i) / 3);
    }
    ceiling.update(t, wander[20] * MB);
    ceiling.update(t + 0.25, 280 * MB);
    assert.equal(ceiling.count, 20);
    assert.equal(ceiling.underCeilingZ(), 0, 'wandering troughs do not climb');
    assert.ok(ceiling.ceilingSince < 2, `ceiling since ${ceiling.ceilingSince}`);
    // the drops to 240 and 250 MB are under a quarter of the biggest (to 70 MB): not big teeth
    assert.equal(ceiling.bigTeethSince(0), 18);
  });

  it('sees troughs that climb tooth after tooth under a ceiling, and no ceiling when the peaks climb', () => {
    const climbing = new TeethTracker();
    let t = 0;
    climbing.start(0, 20 * MB);
    for (let k = 0; k < 20; k++) {
      const trough = (20 + 2 * k) * MB;
      for (let i = 0; i < 4; i++, t += 0.25) climbing.update(t, trough + ((290 * MB - trough) * i) / 3);
    }
    climbing.update(t, 60 * MB);
    climbing.update(t + 0.25, 280 * MB);
    assert.ok(climbing.underCeilingZ() > 2.58, `z ${climbing.underCeilingZ()}`);
    // a ratchet: the whole tooth climbs, so only its last peaks are near the highest
    const ratchet = new TeethTracker();
    feed(ratchet, 20, 100 * MB, (k) => (100 + 30 * k) * MB);
    assert.ok(Number.isNaN(ratchet.underCeilingZ()));
  });

  it('tells troughs that keep climbing from a climb that levels off', () => {
    const steady = new TeethTracker();
    feed(steady, 24, 150 * MB, (k) => (20 + 2 * k) * MB);
    const steadyTrend = steady.trend(0, new TeethTrend());
    assert.ok(steadyTrend.z > 2.58 && !steadyTrend.levelling);
    // 1.6 MB a tooth, then 0.5: a working set filling up
    const filling = new TeethTracker();
    feed(filling, 24, 150 * MB, (k) => (75 + 1.6 * Math.min(k, 8) + 0.5 * Math.max(0, k - 8)) * MB);
    const fillingTrend = filling.trend(0, new TeethTrend());
    assert.ok(fillingTrend.z > 2.58 && fillingTrend.levelling);
  });
});
