import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimeScale } from '../../../src/core/detector/timeScale';
import { mannKendallS } from '../../../src/core/stats';
import { MB, rng } from '../synthetic';

describe('time scale bookkeeping (the incremental parts of the detector)', () => {
  it('keeps the window extremes and the trend counts of the window and the current climb exact', () => {
    const random = rng(7);
    const scale = new TimeScale(0);
    const floors: number[] = [];
    let level = 300 * MB;
    let checkedFresh = 0;
    for (let i = 0; i < 3000; i++) {
      // flat stretches (counts go stale), climbs, and falls that start a new climb
      const phase = Math.floor(i / 150) % 4;
      if (phase === 1) level += random() * 8 * MB;
      else if (phase === 2 && random() < 0.05) level = 300 * MB;
      const floor = Math.round((level + random() * 2 * MB) / 4096) * 4096;
      floors.push(floor);
      const wasFresh = scale.countsFresh;
      scale.push(floor, floor + MB, i * 0.5 + 0.25);
      const window = floors.slice(-64);
      assert.equal(scale.minFloor, Math.min(...window));
      assert.equal(scale.maxFloor, Math.max(...window));
      if (wasFresh && scale.countsFresh) checkedFresh++;
      scale.countTrend();
      assert.equal(scale.windowS, mannKendallS(window, 0, window.length), `window S at ${i}`);
      const offset = scale.segmentOffset;
      if (offset > 0) assert.equal(scale.segmentS, mannKendallS(window, offset, window.length), `climb S at ${i}`);
    }
    assert.ok(checkedFresh > 500, `incremental updates checked ${checkedFresh} times`);
  });
});
