// The panel's point buffer: ordered appends, lookups, and the thinning that keeps every
// trough and peak a pixel column could show.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeriesBuffer } from '../../src/webview/seriesBuffer';

function bufferOf(points: [number, number][]): SeriesBuffer {
  const buffer = new SeriesBuffer();
  for (const [x, y] of points) buffer.push(x, y);
  return buffer;
}

describe('panel series buffer', () => {
  it('grows past its first capacity, ignores points that go back in time, and finds by time', () => {
    const buffer = bufferOf(Array.from({ length: 5000 }, (_, i) => [i * 250, i] as [number, number]));
    buffer.push(100, -1);
    assert.equal(buffer.length, 5000);
    assert.equal(buffer.indexFrom(1000), 4);
    assert.equal(buffer.indexFrom(1001), 5);
    assert.equal(buffer.indexFrom(10_000_000), 5000);
    assert.equal(buffer.valueAt(1100), 4, 'the last point at or before');
    assert.equal(buffer.valueAt(-5), 0, 'before the first point: its value');
    assert.equal(buffer.minOf(10, 20), 10);
    assert.equal(new SeriesBuffer().valueAt(3), 0);
  });

  it('keeps every point when they fit, in order', () => {
    const buffer = bufferOf([[0, 5], [1, 7], [2, 6]]);
    assert.deepEqual(buffer.thinned(0, 3, 10), [{ x: 0, y: 5 }, { x: 1, y: 7 }, { x: 2, y: 6 }]);
    assert.deepEqual(buffer.thinned(1, 3, 10), [{ x: 1, y: 7 }, { x: 2, y: 6 }]);
    assert.deepEqual(buffer.thinned(3, 3, 10), []);
  });

  it('thins 100 k points to about two per bucket, keeping each bucket\'s trough and peak and the newest point', () => {
    let seed = 7;
    const points: [number, number][] = [];
    for (let i = 0; i < 100_000; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      points.push([i * 250, 1e8 + (seed % 1000) * 1e5]);
    }
    points[31_337][1] = 5e9; // one spike
    points[77_777][1] = 1; // one dip
    const buffer = bufferOf(points);
    const thinned = buffer.thinned(0, points.length, 400);
    assert.ok(thinned.length <= 2 * 400 + 1, `${thinned.length} points`);
    assert.ok(thinned.length >= 400);
    for (let i = 1; i < thinned.length; i++) assert.ok(thinned[i].x > thinned[i - 1].x, 'times strictly increase');
    assert.ok(thinned.some((p) => p.y === 5e9 && p.x === 31_337 * 250), 'the spike survives');
    assert.ok(thinned.some((p) => p.y === 1 && p.x === 77_777 * 250), 'the dip survives');
    assert.deepEqual(thinned[thinned.length - 1], { x: 99_999 * 250, y: points[99_999][1] });
    // every bucket's extremes are there: the thinned line spans exactly the data's range
    const ys = thinned.map((p) => p.y);
    assert.equal(Math.min(...ys), 1);
    assert.equal(Math.max(...ys), 5e9);
  });
});
