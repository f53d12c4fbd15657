// The detector on sawtooths: ratchets, healthy garbage collection, bigger batches, trimmed
// allocators, ceilings.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseTrace } from '../../../src/core/trace';
import { MB, makeTrace, rng, sawtooth } from '../synthetic';
import { analyse } from './analyseTrace';

describe('detector on synthetic sawtooths', () => {
  it('a sawtooth whose troughs climb alarms as sawtooth-ratchet, with slow teeth at 1 Hz', () => {
    const { verdict } = analyse(makeTrace({ hz: 1, seconds: 1200, shape: sawtooth(300 * MB, 30, 500 * MB, 40 * MB), noiseBytes: 2 * MB, jitter: 0.5 }));
    assert.equal(verdict.alarm, true);
    assert.equal(verdict.pattern, 'sawtooth-ratchet');
    assert.ok(verdict.teeth >= 3, `teeth ${verdict.teeth}`);
    const expected = 40 * MB / 30;
    assert.ok(Math.abs(verdict.troughSlopeBytesPerSec - expected) < 0.25 * expected, `slope ${verdict.troughSlopeBytesPerSec}`);
  });

  it('a sawtooth with flat troughs (healthy garbage collection) settles without alarm', () => {
    // Its first 15-s climb of 500 MB is indistinguishable from a leak until the first drop;
    // once the teeth show, the alarm must go and never come back.
    const { verdict, raisedAt } = analyse(makeTrace({ hz: 4, seconds: 900, shape: sawtooth(300 * MB, 15, 500 * MB, 0), noiseBytes: 2 * MB }));
    assert.ok(raisedAt.every((t) => t < 30), `raised at ${raisedAt.join(', ')}`);
    assert.equal(verdict.alarm, false);
    assert.equal(verdict.pattern, 'flat');
  });

  it('a sawtooth with minute-long teeth and level troughs stops alarming once it has shown its teeth', () => {
    const { verdict, raisedAt } = analyse(makeTrace({ hz: 4, seconds: 1800, shape: sawtooth(400 * MB, 60, 300 * MB, 0), noiseBytes: 2 * MB }));
    assert.ok(raisedAt.every((t) => t < 200), `raised at ${raisedAt.join(', ')}`);
    assert.equal(verdict.alarm, false);
  });

  it('a sawtooth whose peaks grow while its troughs stay level (bigger batches, a trimmed allocator) settles without alarm', () => {
    // Seen live: allocator_retention with malloc_trim, slowed 5x on a saturated machine, rose
    // 25 MB -> 270 MB -> 25 MB in 7-s teeth, each peak 8 % higher. Everything comes back.
    const period = 7;
    const shape = (t: number): number => {
      const phase = t % period;
      const peak = 270 * MB * 1.08 ** Math.floor(t / period);
      return phase < period - 0.5 ? 25 * MB + (peak - 25 * MB) * (phase / (period - 0.5)) : 25 * MB;
    };
    const { verdict } = analyse(makeTrace({ hz: 4, seconds: 80, shape, noiseBytes: MB }));
    assert.equal(verdict.alarm, false, JSON.stringify(verdict));
    assert.equal(verdict.pattern, 'flat');
  });

  it('big teeth whose troughs climb a little each tooth alarm (a trimmed allocator pinning pages)', () => {
    // trimmed_retention_growth's shape: 150-250 MB teeth every 2 s, troughs 1.5 MB higher each
    // tooth. Any three teeth look level; forty of them climb 60 MB.
    const random = rng(9);
    const heights = Array.from({ length: 60 }, () => (150 + 100 * random()) * MB);
    const shape = (t: number): number => {
      const k = Math.floor(t / 2);
      const phase = t - 2 * k;
      return 15 * MB + 1.5 * MB * k + (phase < 1.7 ? heights[k] : 0);
    };
    const { verdict } = analyse(makeTrace({ hz: 4, seconds: 100, shape, noiseBytes: MB }));
    assert.notEqual(verdict.firstAlarmAt, null, JSON.stringify(verdict));
    assert.equal(verdict.alarm, true);
  });

  it('a sawtooth pinned at a ceiling whose troughs wander without a trend ends without alarm', () => {
    // healthy_bounded_sawtooth's shape: each 1.2-s tooth climbs to a 290 MB budget; the troughs
    // are a bounded random walk between 70 and 250 MB.
    const random = rng(4);
    const troughs: number[] = [];
    let level = 150;
    for (let k = 0; k < 200; k++) {
      level = Math.min(250, Math.max(70, level + (random() - 0.5) * 80));
      troughs.push(level * MB);
    }
    const shape = (t: number): number => {
      const k = Math.floor(t / 1.2);
      const phase = (t - 1.2 * k) / 1.2;
      return phase < 0.7 ? troughs[k] : 290 * MB;
    };
    const { verdict, flips } = analyse(makeTrace({ hz: 4, seconds: 200, shape, noiseBytes: MB }));
    assert.equal(verdict.alarm, false, JSON.stringify(verdict));
    assert.equal(verdict.pattern, 'flat');
    assert.ok(flips <= 2, `the alarm flapped ${flips} times`);
  });

  it('a bounded sawtooth whose working set climbs at first may alarm then, but clears (recorded)', () => {
    // An earlier healthy_bounded_sawtooth (60 iterations, 300-byte text per row): its troughs
    // climbed 80 -> 230 MB in the first 10 s, under the same ceiling as ever, then wandered.
    const points = parseTrace(readFileSync('test/fixtures/traces/healthy_bounded_sawtooth_early_alarm.csv', 'utf8'));
    const { verdict, flips } = analyse(points);
    assert.equal(verdict.alarm, false, JSON.stringify(verdict));
    assert.equal(verdict.pattern, 'flat');
    assert.ok(flips <= 2, `the alarm flapped ${flips} times`);
  });

  it('the alarm does not flap on a noisy ratchet', () => {
    const { flips } = analyse(makeTrace({ hz: 4, seconds: 1800, shape: sawtooth(300 * MB, 12, 300 * MB, 15 * MB), noiseBytes: 8 * MB, seed: 3 }));
    assert.ok(flips <= 1, `flipped ${flips} times`);
  });

});
