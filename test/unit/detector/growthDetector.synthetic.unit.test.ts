// The detector on synthetic edge cases without teeth: noise, spikes, fills, leaks, steps, gaps,
// restarts, hours-long traces, the forecast and bad input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GrowthDetector } from '../../../src/core/detector/growthDetector';
import { MB, linear, makeTrace, rng, staircase, type Point } from '../synthetic';
import { analyse } from './analyseTrace';

describe('detector on synthetic edge cases', () => {
  it('flat noise never alarms, at 1, 4 and 20 Hz', () => {
    for (const hz of [1, 4, 20]) {
      const points = makeTrace({ hz, seconds: 1800, shape: () => 300 * MB, noiseBytes: 3 * MB, seed: hz });
      const { verdict } = analyse(points);
      assert.equal(verdict.firstAlarmAt, null, `${hz} Hz alarmed`);
      assert.equal(verdict.pattern, 'flat');
    }
  });

  it('a random walk bounded by the allocator (noise with memory) never alarms', () => {
    const random = rng(9);
    let level = 400 * MB;
    const points: Point[] = [];
    for (let i = 0; i < 4 * 3600; i++) {
      level += (random() - 0.5) * 4 * MB;
      level += (400 * MB - level) * 0.02; // pulled back: a healthy process has a stable floor
      points.push({ t: i / 4, rss: level });
    }
    assert.equal(analyse(points).verdict.firstAlarmAt, null);
  });

  it('one spike does not alarm', () => {
    const points = makeTrace({ hz: 4, seconds: 600, shape: (t) => (t > 300 && t < 300.5 ? 2000 * MB : 200 * MB), noiseBytes: MB });
    assert.equal(analyse(points).verdict.firstAlarmAt, null);
  });

  // Temporaries held for seconds: a temporary held for a quarter of the finest window (8 s)
  // looks like a step until it is freed, so lifetimes stay within ~3 s here.
  it('irregular big temporaries over a flat floor do not alarm', () => {
    const random = rng(5);
    const points: Point[] = [];
    let until = 0;
    let extra = 0;
    for (let i = 0; i < 20 * 600; i++) {
      const t = i / 20;
      if (t >= until) {
        extra = random() < 0.5 ? 0 : random() * 800 * MB;
        until = t + 0.1 + random() * 3;
      }
      points.push({ t, rss: 250 * MB + extra });
    }
    assert.equal(analyse(points).verdict.firstAlarmAt, null);
  });

  it('a cache that fills in a second and then stays flat never alarms and ends flat', () => {
    const points = makeTrace({ hz: 10, seconds: 120, shape: (t) => 150 * MB + Math.min(1, Math.max(0, t - 20)) * 600 * MB, noiseBytes: MB });
    const { verdict } = analyse(points);
    assert.equal(verdict.firstAlarmAt, null);
    assert.equal(verdict.pattern, 'flat');
  });

  it('a slow fill that then plateaus for long ends flat, with no alarm at the end', () => {
    const fill = (t: number): number => 150 * MB + Math.min(60, Math.max(0, t - 30)) * 10 * MB;
    const { verdict } = analyse(makeTrace({ hz: 4, seconds: 1200, shape: fill, noiseBytes: MB }));
    assert.equal(verdict.alarm, false);
    assert.equal(verdict.pattern, 'flat');
  });

  it('a steady leak alarms as steady-growth at 1 Hz and at 20 Hz', () => {
    for (const hz of [1, 20]) {
      const { verdict } = analyse(makeTrace({ hz, seconds: 300, shape: linear(200 * MB, 2 * MB), noiseBytes: 0.5 * MB, jitter: 0.3 }));
      assert.equal(verdict.alarm, true, `${hz} Hz`);
      assert.equal(verdict.pattern, 'steady-growth', `${hz} Hz`);
      // the trough slope is the leak's rate, within 10 %
      assert.ok(Math.abs(verdict.troughSlopeBytesPerSec - 2 * MB) < 0.2 * MB, `slope ${verdict.troughSlopeBytesPerSec}`);
    }
  });

  it('a staircase alarms as staircase', () => {
    const { verdict } = analyse(makeTrace({ hz: 4, seconds: 400, shape: staircase(300 * MB, 20, 60 * MB, 0.025), noiseBytes: 0.1 * MB }));
    assert.equal(verdict.alarm, true);
    assert.equal(verdict.pattern, 'staircase');
  });

  it('a gap in the samples does not break detection', () => {
    const points = makeTrace({ hz: 4, seconds: 600, shape: linear(200 * MB, MB), noiseBytes: 0.3 * MB }).filter((p) => p.t < 200 || p.t > 320);
    const { verdict } = analyse(points);
    assert.equal(verdict.alarm, true);
    assert.equal(verdict.pattern, 'steady-growth');
  });

  it('a restart to zero after a leak ends flat once the new process is steady', () => {
    const shape = (t: number): number => (t < 300 ? 200 * MB + t * 2 * MB : t < 302 ? 0 : 180 * MB);
    const { verdict } = analyse(makeTrace({ hz: 4, seconds: 900, shape, noiseBytes: 0.5 * MB }));
    assert.notEqual(verdict.firstAlarmAt, null);
    assert.ok(verdict.firstAlarmAt! < 300);
    assert.equal(verdict.alarm, false);
    assert.equal(verdict.pattern, 'flat');
  });

  it('hours of flat then a leak: the alarm comes within minutes, not hours', () => {
    const { verdict } = analyse(makeTrace({ hz: 4, seconds: 6 * 3600 + 900, shape: linear(500 * MB, MB, 6 * 3600), noiseBytes: MB }));
    assert.equal(verdict.alarm, true);
    assert.ok(verdict.firstAlarmAt! - 6 * 3600 < 120, `alarmed ${verdict.firstAlarmAt! - 6 * 3600} s after the leak began`);
  });

  it('a slow leak over hours (1 MB a minute) alarms', () => {
    const { verdict } = analyse(makeTrace({ hz: 1, seconds: 4 * 3600, shape: linear(800 * MB, MB / 60), noiseBytes: 2 * MB }));
    assert.equal(verdict.alarm, true);
    assert.equal(verdict.pattern, 'steady-growth');
  });

  it('forecasts when the peaks reach the limit at the trough slope', () => {
    const limit = 4096 * MB;
    const { verdict } = analyse(makeTrace({ hz: 4, seconds: 300, shape: linear(500 * MB, 4 * MB), noiseBytes: 0.2 * MB }), limit);
    const last = 500 * MB + 300 * 4 * MB;
    const expected = (limit - last) / (4 * MB);
    assert.equal(verdict.forecast.limitBytes, limit);
    assert.ok(verdict.forecast.secondsToLimit !== null);
    assert.ok(Math.abs(verdict.forecast.secondsToLimit - expected) < 0.15 * expected, `${verdict.forecast.secondsToLimit} vs ${expected}`);
  });

  it('has no forecast without a limit or without growth', () => {
    assert.equal(analyse(makeTrace({ hz: 4, seconds: 300, shape: linear(500 * MB, 4 * MB) })).verdict.forecast.secondsToLimit, null);
    const flat = analyse(makeTrace({ hz: 4, seconds: 300, shape: () => 500 * MB }), 1024 * MB).verdict;
    assert.equal(flat.forecast.secondsToLimit, null);
  });

  it('ignores samples that go back in time and non-finite values', () => {
    const detector = new GrowthDetector();
    detector.push(10, 100 * MB);
    detector.push(5, 900 * MB);
    detector.push(11, Number.NaN);
    assert.equal(detector.verdict().samples, 1);
    assert.equal(detector.verdict().peakBytes, 100 * MB);
  });

  it('gives a verdict before any sample', () => {
    const verdict = new GrowthDetector().verdict();
    assert.equal(verdict.pattern, 'flat');
    assert.equal(verdict.samples, 0);
    assert.equal(verdict.firstAlarmAt, null);
  });
});
