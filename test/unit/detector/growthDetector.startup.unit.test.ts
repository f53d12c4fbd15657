// The detector on a process's start-up: imports and first buffers climb in steps for seconds
// from the bare interpreter's 8 MB, then rest (the wild corpus's matplotlib and IPython runs).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MB, makeTrace } from '../synthetic';
import { analyse } from './analyseTrace';

/** 8 MB, then a 7-MB step every 0.6 s until `until` s (a figure rendered, a module imported), then `after`. */
function startup(until: number, after: (t: number) => number = () => 0): (t: number) => number {
  return (t) => 8 * MB + 7 * MB * Math.floor(Math.min(t, until) / 0.6) + after(t);
}

describe('detector on a process start-up', () => {
  it('a start-up climb of 8 -> 120 MB in 10 s that then rests never alarms', () => {
    const { verdict } = analyse(makeTrace({ hz: 4, seconds: 90, shape: startup(10), noiseBytes: 0.5 * MB }));
    assert.equal(verdict.firstAlarmAt, null, JSON.stringify(verdict));
    assert.equal(verdict.pattern, 'flat');
  });

  it('the same climb watched long after the process started alarms within seconds', () => {
    const points = makeTrace({ hz: 4, seconds: 90, shape: startup(10), noiseBytes: 0.5 * MB });
    const { verdict } = analyse(points, null, { processStartTime: -Infinity });
    assert.notEqual(verdict.firstAlarmAt, null);
    assert.ok(verdict.firstAlarmAt! < 8, `alarmed at ${verdict.firstAlarmAt} s`);
  });

  it('a leak from the first line alarms once it climbs past the start-up allowance, at once', () => {
    // 60 MB/s, as steady_leak: past 256 MB by 4.5 s
    const { verdict } = analyse(makeTrace({ hz: 4, seconds: 12, shape: (t) => 8 * MB + 60 * MB * t, noiseBytes: 0.5 * MB }));
    assert.notEqual(verdict.firstAlarmAt, null);
    assert.ok(verdict.firstAlarmAt! < 7, `alarmed at ${verdict.firstAlarmAt} s`);
  });

  it('a slow leak from the first line that stays under the allowance alarms soon after the start-up', () => {
    // the start-up's climb never ends: 7 MB every 0.6 s for a minute
    const { verdict } = analyse(makeTrace({ hz: 4, seconds: 60, shape: startup(60), noiseBytes: 0.5 * MB }));
    assert.equal(verdict.alarm, true);
    assert.ok(verdict.firstAlarmAt! >= 15 && verdict.firstAlarmAt! < 25, `alarmed at ${verdict.firstAlarmAt} s`);
  });

  for (const stepMB of [12, 30]) {
    it(`a rested start-up whose floor steps ${stepMB} MB once more after 15 s never alarms (matplotlib's warm-up)`, () => {
      // rests at 120 MB from 10 s; at 18 s one more step, as mpl_figure_gc_cycles and mpl_savefig_close
      const after = (t: number): number => (t > 18 ? stepMB * MB : 0);
      const { verdict } = analyse(makeTrace({ hz: 4, seconds: 90, shape: startup(10, after), noiseBytes: 0.5 * MB }));
      assert.equal(verdict.firstAlarmAt, null, JSON.stringify(verdict));
    });
  }

  it('growth after a rested start-up counts from the start-up\'s highest floor', () => {
    // rests at 120 MB from 10 s; from 30 s a 2-MB step every second
    const after = (t: number): number => (t > 30 ? 2 * MB * Math.floor(t - 30) : 0);
    const { verdict } = analyse(makeTrace({ hz: 4, seconds: 90, shape: startup(10, after), noiseBytes: 0.5 * MB }));
    assert.equal(verdict.alarm, true);
    assert.ok(verdict.firstAlarmAt! > 30 && verdict.firstAlarmAt! < 50, `alarmed at ${verdict.firstAlarmAt} s`);
  });
  it('after half a minute level, one more small step of a warm-up never alarms (mpl_savefig_close)', () => {
    // rests at 120 MB from 10 s; 30 MB more at 18 s, level for 27 s, then 14 MB more at 45 s
    // (under the 16 MB least growth above the level, but 44 MB above the start-up's rest)
    const after = (t: number): number => (t > 18 ? 30 * MB : 0) + (t > 45 ? 14 * MB : 0);
    const { verdict } = analyse(makeTrace({ hz: 4, seconds: 120, shape: startup(10, after), noiseBytes: 0.5 * MB }));
    assert.equal(verdict.firstAlarmAt, null, JSON.stringify(verdict));
  });

  it('a leak that begins after half a minute level alarms once it passes the least growth above it', () => {
    // the same warm-up, then from 45 s a 2-MB step every second
    const after = (t: number): number => (t > 18 ? 30 * MB : 0) + (t > 45 ? 2 * MB * Math.floor(t - 45) : 0);
    const { verdict } = analyse(makeTrace({ hz: 4, seconds: 120, shape: startup(10, after), noiseBytes: 0.5 * MB }));
    assert.equal(verdict.alarm, true);
    assert.ok(verdict.firstAlarmAt! > 45 && verdict.firstAlarmAt! < 70, `alarmed at ${verdict.firstAlarmAt} s`);
  });
});
