import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProcessSeries, SeriesStore } from '../../src/core/seriesStore';
import { parseTrace, formatTrace } from '../../src/core/trace';

describe('series store', () => {
  it('keeps every sample of the recent window and min/max buckets beyond it', () => {
    const series = new ProcessSeries({ recentSec: 60, bucketSec: 10, historySec: 3600 });
    for (let i = 0; i <= 4 * 300; i++) {
      const t = i / 4;
      // a spike and a dip inside the old part must both survive downsampling
      const rss = t === 50 ? 900 : t === 52 ? 10 : 100 + (i % 3);
      series.append(t, rss);
    }
    const points = series.points();
    const recent = points.filter((p) => p.t >= 240);
    assert.equal(recent.length, 4 * 60 + 1);
    const old = points.filter((p) => p.t < 240);
    assert.ok(old.length <= 25, `${old.length} old points`);
    assert.ok(old.some((p) => p.max === 900), 'the peak survived');
    assert.ok(old.some((p) => p.min === 10), 'the trough survived');
  });

  it('drops history beyond its length', () => {
    const series = new ProcessSeries({ recentSec: 10, bucketSec: 1, historySec: 100 });
    for (let t = 0; t <= 1000; t += 0.5) series.append(t, 1);
    assert.ok(series.points()[0].t >= 1000 - 100 - 10 - 1);
  });

  it('ignores out-of-order samples', () => {
    const series = new ProcessSeries();
    series.append(10, 1);
    series.append(5, 2);
    assert.equal(series.points().length, 1);
  });

  it('exports the trace format, times ordered, troughs and peaks kept', () => {
    const series = new ProcessSeries({ recentSec: 20, bucketSec: 5, historySec: 3600 });
    for (let i = 0; i < 400; i++) series.append(i / 4, i % 40 === 0 ? 500 : 100);
    const text = formatTrace(series.toTraceRows().map(([t, rss]) => ({ t, rss })));
    const points = parseTrace(text);
    assert.ok(points.some((p) => p.rss === 500));
    assert.ok(points.every((p, i) => i === 0 || p.t >= points[i - 1].t));
  });

  it('a day of 8 processes at 4 Hz stays under 20 MB', () => {
    const store = new SeriesStore();
    const keys = Array.from({ length: 8 }, (_, i) => `p${i}`);
    for (let i = 0; i < 4 * 86400; i++) {
      const t = i / 4;
      for (const key of keys) store.append(key, t, 1e8 + (i % 97) * 1e5);
    }
    assert.ok(store.memoryBytes() < 20 * 1024 * 1024, `${store.memoryBytes()} bytes`);
  });

  it('keeps markers per series', () => {
    const store = new SeriesStore();
    store.append('a', 1, 1);
    store.mark('a', { t: 1, kind: 'restart', label: 'restarted' });
    assert.equal(store.markersOf('a').length, 1);
    assert.equal(store.markersOf('b').length, 0);
    store.delete('a');
    assert.equal(store.markersOf('a').length, 0);
  });
});
