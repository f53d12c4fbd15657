// Every recorded trace, replayed slower and faster and sampled at other rates, must get the
// verdict it gets as recorded: the detector must not depend on the speed of the machine that
// ran the program nor on the sampling interval. Picks up traces in subfolders too.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { GrowthDetector } from '../../../src/core/detector/growthDetector';
import type { Pattern } from '../../../src/core/detector/types';
import { parseTrace, type TracePoint } from '../../../src/core/trace';

const TRACES = 'test/fixtures/traces';
const TIME_SCALES = [0.5, 2, 5];
const RATES_HZ = [1, 4, 20];
/** A replay shorter than this says too little to be held to the recorded verdict. */
const MIN_SPAN_SEC = 30;
const MIN_SAMPLES = 60;

/**
 * What a verdict must keep under replay: the alarm, and the family of the pattern. Staircase and
 * steady growth are one family (a climb; which of the two depends on how long the plateaus last
 * against the sampling interval); a sawtooth is another.
 */
function family(pattern: Pattern): string {
  switch (pattern) {
    case 'flat':
      return 'flat';
    case 'sawtooth-ratchet':
      return 'sawtooth';
    case 'staircase':
    case 'steady-growth':
      return 'climb';
  }
}

function finalVerdict(points: readonly TracePoint[]): { alarm: boolean; family: string } {
  const detector = new GrowthDetector();
  for (const point of points) detector.push(point.t, point.rss);
  const verdict = detector.verdict();
  return { alarm: verdict.alarm, family: family(verdict.pattern) };
}

/**
 * The trace slowed down (scale > 1) or sped up, read at `hz`: each reading is the state the
 * program was in at that moment, the last recorded sample at or before it (a program slowed
 * down 5x stays 5x as long in each state; interpolating would invent values it never had, and
 * shallower troughs than it had).
 */
function replay(points: readonly TracePoint[], scale: number, hz: number): TracePoint[] {
  const start = points[0].t * scale;
  const end = points[points.length - 1].t * scale;
  const out: TracePoint[] = [];
  let j = 0;
  for (let k = 0; start + k / hz <= end; k++) {
    const t = start + k / hz;
    while (j + 1 < points.length && points[j + 1].t * scale <= t) j++;
    out.push({ t, rss: points[j].rss });
  }
  return out;
}

function traceFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return traceFiles(path);
      return name.endsWith('.csv') ? [path] : [];
    });
}

describe('recorded traces replayed at other speeds and sampling rates keep their verdict', () => {
  let checked = 0;
  for (const file of traceFiles(TRACES)) {
    const name = relative(TRACES, file);
    const points = parseTrace(readFileSync(file, 'utf8'));
    const recorded = finalVerdict(points);
    const span = points[points.length - 1].t - points[0].t;
    for (const scale of TIME_SCALES) {
      for (const hz of RATES_HZ) {
        if (span * scale < MIN_SPAN_SEC || span * scale * hz + 1 < MIN_SAMPLES) continue;
        checked++;
        it(`${name} at ${scale}x time, ${hz} Hz`, () => {
          const replayed = finalVerdict(replay(points, scale, hz));
          assert.deepEqual(replayed, recorded, `${name} replayed at ${scale}x time and ${hz} Hz`);
        });
      }
    }
  }
  it('replays enough combinations to mean something', () => {
    assert.ok(checked >= 20, `only ${checked} replays span ${MIN_SPAN_SEC} s and ${MIN_SAMPLES} samples`);
  });
});
