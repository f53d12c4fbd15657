// The panel's pending deltas: bounded per series, handed out once, dropped with their series.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_PENDING_POINTS, PanelDeltas } from '../../src/model/panelDeltas';

describe('panel deltas', () => {
  it('hands out points and markers once, then starts afresh', () => {
    const deltas = new PanelDeltas();
    deltas.addPoint('a', { t: 1, min: 10, max: 10 });
    deltas.addPoint('b', { t: 1, min: 20, max: 20 });
    deltas.addMarker({ key: 'a', t: 1, kind: 'cell', label: '[1]' });
    const first = deltas.take();
    assert.deepEqual(Object.keys(first.points).sort(), ['a', 'b']);
    assert.equal(first.markers.length, 1);
    assert.deepEqual(deltas.take(), { points: {}, markers: [] });
  });

  it('keeps only the newest points of a series nobody takes', () => {
    const deltas = new PanelDeltas();
    for (let t = 0; t < MAX_PENDING_POINTS + 500; t++) deltas.addPoint('a', { t, min: t, max: t });
    const points = deltas.take().points.a;
    assert.equal(points.length, MAX_PENDING_POINTS);
    assert.equal(points[0].t, 500);
    assert.equal(points.at(-1)!.t, MAX_PENDING_POINTS + 499);
  });

  it('drops the points of a series that is no longer watched, and keeps its markers', () => {
    const deltas = new PanelDeltas();
    deltas.addPoint('a', { t: 1, min: 1, max: 1 });
    deltas.addMarker({ key: 'a', t: 1, kind: 'exit', label: 'gone' });
    deltas.drop('a');
    const taken = deltas.take();
    assert.deepEqual(taken.points, {});
    assert.equal(taken.markers.length, 1);
  });
});
