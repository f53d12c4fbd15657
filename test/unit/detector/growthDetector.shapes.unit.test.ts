// Shapes of the wild corpus (test/workloads/wild/) rebuilt synthetically, one per detector rule
// that tells them apart: each test fails without its rule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GrowthDetector } from '../../../src/core/detector/growthDetector';
import type { Pattern } from '../../../src/core/detector/types';
import { MB, makeTrace, rng, type Point } from '../synthetic';

/** Replays `points`; returns every time the alarm was up and the final verdict. */
function run(points: readonly Point[]): { alarmedAt: number[]; alarm: boolean; pattern: Pattern } {
  const detector = new GrowthDetector();
  const alarmedAt: number[] = [];
  for (const point of points) {
    detector.push(point.t, point.rss);
    if (detector.alarm) alarmedAt.push(point.t);
  }
  const verdict = detector.verdict();
  return { alarmedAt, alarm: verdict.alarm, pattern: verdict.pattern };
}

describe('detector on shapes of the wild corpus', () => {
  it('big teeth whose troughs climb and then level off never alarm (a working set filling up)', () => {
    // step_frames_retention_trim's shape: 2-s teeth of 90-210 MB (growing with the inputs) whose
    // troughs climb 1.6 MB a tooth, then 0.7, then 0.25, and stay at ~106 MB.
    const trough = (k: number): number => (75 + 1.6 * Math.min(k, 9) + 0.75 * Math.max(0, Math.min(k, 31) - 9) + 0.25 * Math.max(0, k - 31)) * MB;
    const shape = (t: number): number => {
      const k = Math.floor(t / 2);
      const phase = t - 2 * k;
      return trough(k) + (phase < 1.7 ? (90 + 3 * k) * MB * (phase / 1.7) : 0);
    };
    const result = run(makeTrace({ hz: 4, seconds: 80, shape, noiseBytes: 0.2 * MB }));
    assert.deepEqual(result.alarmedAt.slice(0, 3), [], `alarmed from ${result.alarmedAt[0]} s`);
  });

  it('fits of varying size that each free everything, back to the same base, never alarm', () => {
    // gmm_variable_sizes' shape: every fit allocates its training set (40-90 MB over a 34 MB
    // base) and draws teeth on top of it, under a 125 MB ceiling; between fits the RSS comes
    // back to the base. Until the base has been seen a few times (the first minute) a fit's
    // climb may look like growth; after that, never.
    const random = rng(5);
    const fits = Array.from({ length: 30 }, () => ({ teeth: 2 + Math.floor(3 * random()), set: (40 + 50 * random()) * MB }));
    const points: Point[] = [];
    let t = 0;
    for (const fit of fits) {
      // each tooth of the fit: its trough somewhere between 60 % and all of the training set
      for (let tooth = 0; tooth < fit.teeth; tooth++) {
        const trough = 34 * MB + fit.set * (0.6 + 0.4 * random());
        const height = Math.min((15 + 25 * random()) * MB, 125 * MB - trough);
        for (let i = 0; i < 8; i++, t += 0.25) points.push({ t, rss: trough + (height * i) / 8 });
      }
      for (let i = 0; i < 4; i++, t += 0.25) points.push({ t, rss: 34 * MB });
    }
    for (const scale of [1, 2, 5]) {
      const slowed = points.map((point) => ({ t: point.t * scale, rss: point.rss }));
      const result = run(slowed);
      const late = result.alarmedAt.filter((t) => t > 60 * scale);
      assert.deepEqual(late.slice(0, 3), [], `slowed ${scale}x: alarmed from ${late[0]} s`);
    }
  });

  it('small teeth of temporaries on a climb of live data alarm as a climb, not a sawtooth', () => {
    // mpl_pyplot_unclosed's shape: each 2-s report keeps 5 MB; about one in three, its temporaries
    // (10-20 MB) are freed in one go: the drops return under half of what the teeth climbed.
    const random = rng(11);
    const temporaries = Array.from({ length: 100 }, () => (random() < 0.3 ? (10 + 10 * random()) * MB : 0));
    const shape = (t: number): number => {
      const k = Math.floor(t / 2);
      const phase = t - 2 * k;
      return 8 * MB + 5 * MB * (k + phase / 2) + (phase < 1.5 ? temporaries[k] * (phase / 1.5) : 0);
    };
    const result = run(makeTrace({ hz: 4, seconds: 150, shape, noiseBytes: 0.3 * MB }));
    assert.equal(result.alarm, true);
    assert.notEqual(result.pattern, 'sawtooth-ratchet');
  });

  it('a start-up climb and warm-up steps, then minutes level: the alarm clears within two minutes of the last step', () => {
    // mpl_savefig_close_long's floor (knots read off the recording, MB): imports and the first
    // figures climb 7 -> 180 MB in 28 s, Agg's buffers add steps at 50 s and 122 s, then the RSS
    // stays at 223 MB. The old hold kept the alarm up until 280 s: 146 s on the plateau.
    const knots: [number, number][] = [[0, 7], [6, 96], [12, 134], [18, 150], [24, 177], [28, 180], [48, 179], [54, 204], [60, 213], [122, 213], [123, 222], [133, 222], [134, 223], [450, 223]];
    const shape = (t: number): number => {
      const i = knots.findIndex(([at]) => at >= t);
      if (i <= 0) return knots[Math.max(i, 0)][1] * MB;
      const [t0, v0] = knots[i - 1];
      const [t1, v1] = knots[i];
      return (v0 + ((v1 - v0) * (t - t0)) / (t1 - t0)) * MB;
    };
    const result = run(makeTrace({ hz: 4, seconds: 450, shape, noiseBytes: 0.3 * MB }));
    const late = result.alarmedAt.filter((t) => t > 240);
    assert.deepEqual(late.slice(0, 3), [], `alarmed until ${result.alarmedAt.at(-1)} s`);
    assert.equal(result.alarm, false);
  });
});
