// BucketedFeed: the detector fed per closed bucket must reach the verdicts it reaches sample by
// sample, on every recorded trace, while being handed fewer samples at fast rates.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BucketedFeed, FEED_BUCKET_SEC } from '../../../src/core/detector/bucketedFeed';
import { GrowthDetector } from '../../../src/core/detector/growthDetector';
import { BASE_BUCKET_SEC } from '../../../src/core/detector/thresholds';
import type { Verdict } from '../../../src/core/detector/types';
import { parseTrace, type TracePoint } from '../../../src/core/trace';
import { MB, linear, makeTrace } from '../synthetic';

interface Feedable {
  push(t: number, bytes: number): void;
  verdict(): Verdict;
}

/** The verdict fields a user sees, after feeding every point (and `finish`, for the feed's flush). */
function verdictFields(feed: Feedable, points: readonly TracePoint[], finish: () => void = () => {}): unknown {
  const patternsWhileAlarmed = new Set<string>();
  for (const point of points) {
    feed.push(point.t, point.rss);
    const verdict = feed.verdict();
    if (verdict.alarm) patternsWhileAlarmed.add(verdict.pattern);
  }
  finish();
  const verdict = feed.verdict();
  if (verdict.alarm) patternsWhileAlarmed.add(verdict.pattern);
  return {
    lastAlarmPattern: verdict.lastAlarmPattern,
    alarm: verdict.alarm,
    pattern: verdict.pattern,
    everAlarmed: verdict.firstAlarmAt !== null,
    patternsWhileAlarmed: [...patternsWhileAlarmed].sort(),
  };
}

/** A feed whose detector records what it is handed. */
function recordingFeed(): { feed: BucketedFeed; pushed: Array<[number, number]> } {
  const feed = new BucketedFeed();
  const pushed: Array<[number, number]> = [];
  const push = feed.detector.push.bind(feed.detector);
  feed.detector.push = (t, bytes) => {
    pushed.push([t, bytes]);
    push(t, bytes);
  };
  return { feed, pushed };
}

const TRACE_FOLDERS = ['test/fixtures/traces', 'test/fixtures/traces/wild'];

describe('BucketedFeed on the recorded traces', () => {
  it('is as wide as the detector finest bucket', () => {
    assert.equal(FEED_BUCKET_SEC, BASE_BUCKET_SEC);
  });

  for (const folder of TRACE_FOLDERS) {
    for (const name of readdirSync(folder).filter((file) => file.endsWith('.csv'))) {
      it(`${folder}/${name}: the same verdict as per-sample feeding`, () => {
        const points = parseTrace(readFileSync(`${folder}/${name}`, 'utf8'));
        const feed = new BucketedFeed();
        assert.deepEqual(
          verdictFields(feed, points, () => feed.flush()),
          verdictFields(new GrowthDetector(), points),
        );
      });
    }
  }
});

describe('BucketedFeed buckets', () => {
  it('pushes a rising bucket min then max, and its last sample after them', () => {
    const { feed, pushed } = recordingFeed();
    feed.push(10.0, 100 * MB);
    feed.push(10.1, 90 * MB);
    feed.push(10.2, 120 * MB);
    feed.push(10.3, 110 * MB);
    assert.deepEqual(pushed, [], 'nothing before the bucket closes');
    feed.push(10.5, 105 * MB); // the next bucket starts
    assert.deepEqual(pushed, [
      [10.1, 90 * MB],
      [10.2, 120 * MB],
      [10.3, 110 * MB],
    ]);
  });

  it('pushes a falling bucket max then min', () => {
    const { feed, pushed } = recordingFeed();
    feed.push(20.0, 100 * MB);
    feed.push(20.1, 130 * MB);
    feed.push(20.2, 80 * MB);
    feed.flush();
    assert.deepEqual(pushed, [
      [20.1, 130 * MB],
      [20.2, 80 * MB],
    ]);
  });

  it('pushes a bucket of one sample once', () => {
    const { feed, pushed } = recordingFeed();
    feed.push(3.2, 50 * MB);
    feed.push(3.7, 60 * MB);
    assert.deepEqual(pushed, [[3.2, 50 * MB]]);
    feed.flush();
    assert.deepEqual(pushed, [
      [3.2, 50 * MB],
      [3.7, 60 * MB],
    ]);
  });

  it('ignores samples out of order and samples that are not numbers', () => {
    const { feed, pushed } = recordingFeed();
    feed.push(5.0, 50 * MB);
    feed.push(4.9, 10 * MB);
    feed.push(5.1, NaN);
    feed.push(NaN, 20 * MB);
    feed.push(5.2, Infinity);
    feed.flush();
    assert.deepEqual(pushed, [[5.0, 50 * MB]]);
    assert.equal(feed.verdict().samples, 1);
  });

  it('does nothing when flushed empty, or flushed twice', () => {
    const { feed, pushed } = recordingFeed();
    feed.flush();
    assert.deepEqual(pushed, []);
    assert.equal(feed.verdict().samples, 0);
    feed.push(1, MB);
    feed.flush();
    feed.flush();
    assert.deepEqual(pushed, [[1, MB]]);
  });

  it('hands the detector fewer samples than a 10-Hz trace holds, and counts them all in its verdict', () => {
    const points = makeTrace({ hz: 10, seconds: 60, shape: linear(200 * MB, MB), noiseBytes: 2 * MB, seed: 8 });
    const feed = new BucketedFeed();
    for (const point of points) feed.push(point.t, point.rss);
    feed.flush();
    const pushes = feed.detector.verdict().samples;
    assert.ok(pushes < points.length, `${pushes} pushes for ${points.length} samples`);
    // at most min, max and last per bucket
    assert.ok(pushes <= Math.ceil(points.length / 5) * 3 + 3, `${pushes} pushes`);
    assert.equal(feed.verdict().samples, points.length);
  });

  it('passes the limit on to the detector', () => {
    const feed = new BucketedFeed({ limitBytes: 1000 * MB });
    for (const point of makeTrace({ hz: 4, seconds: 60, shape: linear(200 * MB, 5 * MB) })) feed.push(point.t, point.rss);
    feed.flush();
    assert.equal(feed.verdict().forecast.limitBytes, 1000 * MB);
    feed.setLimit(null);
    assert.equal(feed.verdict().forecast.limitBytes, null);
  });
});
