// The sampling-rate policy of one process, on a fake clock (src/core/adaptiveRate.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdaptiveRate, quietBandBytes } from '../../src/core/adaptiveRate';

const MB = 1024 * 1024;

/** Feeds `bytes(t)` at the interval the policy asks for, from `from` to `to` ms; returns the intervals asked. */
function run(rate: AdaptiveRate, from: number, to: number, bytes: (t: number) => number): Array<[number, number]> {
  const asked: Array<[number, number]> = [];
  for (let t = from; t < to; ) {
    const interval = rate.observe(t, bytes(t));
    asked.push([t, interval]);
    t += interval;
  }
  return asked;
}

describe('adaptive sampling rate', () => {
  it('drops to 1 Hz after a minute within the band, not before', () => {
    const rate = new AdaptiveRate({ fastIntervalMs: 250 });
    const asked = run(rate, 0, 120_000, (t) => 300 * MB + (t % 1000 < 500 ? 0 : 200 * 1024)); // 200 KB of noise
    const firstIdle = asked.find(([, interval]) => interval === 1000);
    assert.equal(firstIdle?.[0], 60_000);
    assert.ok(asked.filter(([t]) => t < 60_000).every(([, interval]) => interval === 250));
    assert.ok(asked.filter(([t]) => t >= 60_000).every(([, interval]) => interval === 1000));
    assert.equal(rate.idle, true);
  });

  it('comes back to the configured rate at the first sample beyond the band', () => {
    const rate = new AdaptiveRate({ fastIntervalMs: 250 });
    run(rate, 0, 61_000, () => 300 * MB);
    assert.equal(rate.intervalMs, 1000);
    assert.equal(rate.observe(61_000, 300 * MB + 4 * MB), 250, '+4 MB leaves the 3 MB band of 300 MB');
    run(rate, 61_250, 125_000, () => 304 * MB);
    assert.equal(rate.intervalMs, 1000);
    assert.equal(rate.observe(125_000, 200 * MB), 250, 'a fall counts as much as a rise');
  });

  it('takes a move beyond the band at once, and a slow drift that leaves the band too', () => {
    const band = quietBandBytes(300 * MB);
    assert.equal(band, 3 * MB);
    const rate = new AdaptiveRate({ fastIntervalMs: 250 });
    run(rate, 0, 61_000, () => 300 * MB);
    assert.equal(rate.observe(61_000, 300 * MB + band - 1), 1000, 'within the band: stays idle');
    assert.equal(rate.observe(62_000, 300 * MB + band + 1), 250, 'beyond: fast at once');
    // a drift of 0.1 MB/s: it leaves a 3 MB band within 30 s, so it never goes idle
    const drifting = new AdaptiveRate({ fastIntervalMs: 250 });
    const asked = run(drifting, 0, 300_000, (t) => 300 * MB + (t / 1000) * 0.1 * MB);
    assert.ok(asked.every(([, interval]) => interval === 250));
  });

  it('wakes at once when a cell or a terminal command starts, and waits a quiet minute again', () => {
    const rate = new AdaptiveRate({ fastIntervalMs: 250 });
    run(rate, 0, 61_000, () => 300 * MB);
    assert.equal(rate.idle, true);
    rate.wake(61_500);
    assert.equal(rate.intervalMs, 250);
    assert.equal(rate.observe(61_750, 300 * MB), 250);
    assert.equal(rate.observe(121_499, 300 * MB), 250);
    assert.equal(rate.observe(121_500, 300 * MB), 1000);
  });

  it('never samples faster than configured, and a band of 1 to 16 MiB', () => {
    const slow = new AdaptiveRate({ fastIntervalMs: 5000 });
    assert.equal(slow.idleIntervalMs, 5000);
    assert.equal(quietBandBytes(10 * MB), MB);
    assert.equal(quietBandBytes(8 * 1024 * MB), 16 * MB);
  });
});
