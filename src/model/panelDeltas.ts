// What changed since the panel last took it: new chart points per series and new markers.
// Bounded, because nobody takes the deltas while the panel is hidden (it rebuilds from a
// snapshot when shown). Pure.

import type { ChartMarker, ChartPoint } from '../shared/protocol';

/** Per series: beyond this, the oldest pending points are dropped (the snapshot has them). */
export const MAX_PENDING_POINTS = 2048;

export interface ModelUpdate {
  /** New chart points since the previous update, by series id. */
  readonly points: Record<string, ChartPoint[]>;
  readonly markers: ChartMarker[];
}

export class PanelDeltas {
  private pending: ModelUpdate = { points: {}, markers: [] };

  addPoint(seriesId: string, point: ChartPoint): void {
    const points = (this.pending.points[seriesId] ??= []);
    points.push(point);
    if (points.length > MAX_PENDING_POINTS) points.splice(0, points.length - MAX_PENDING_POINTS);
  }

  addMarker(marker: ChartMarker): void {
    this.pending.markers.push(marker);
  }

  /** A series that is no longer watched sends no more points. */
  drop(seriesId: string): void {
    delete this.pending.points[seriesId];
  }

  /** Hands out what changed since the last call and starts afresh. */
  take(): ModelUpdate {
    const pending = this.pending;
    this.pending = { points: {}, markers: [] };
    return pending;
  }
}
