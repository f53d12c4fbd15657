// Series fed by another source through the memory model (src/model/fedSeries.ts): started
// without a local PID, updated, restarted with a marker, fed samples and exits by series id only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Disposable, TreeExit, TreeSample } from '../../src/core/sampler';
import { MemoryModel } from '../../src/model/memoryModel';

const MB = 1024 * 1024;

class Feed {
  readonly samples = new Set<(sample: TreeSample) => void>();
  readonly exits = new Set<(exit: TreeExit) => void>();
  onSample(listener: (sample: TreeSample) => void): Disposable {
    this.samples.add(listener);
    return { dispose: () => this.samples.delete(listener) };
  }
  onExit(listener: (exit: TreeExit) => void): Disposable {
    this.exits.add(listener);
    return { dispose: () => this.exits.delete(listener) };
  }
  sample(processKey: string, t: number, bytes: number): void {
    for (const listener of this.samples) listener({ processKey, pid: 5, t, memoryBytes: bytes, measure: 'pss', rssBytes: bytes, selfBytes: bytes, children: [] });
  }
}

describe('FedSeries', () => {
  it('starts a series once, without a local PID, and feeds it only its own samples', () => {
    const model = new MemoryModel();
    const feed = new Feed();
    const attached = model.fed.attach(feed);
    model.fed.watch({ seriesId: 'srv#k', pid: 0, label: 'a.ipynb', source: 'remote', limit: undefined, status: 'connecting' });
    model.fed.watch({ seriesId: 'srv#k', pid: 9, label: 'other', source: 'remote', limit: undefined });
    assert.deepEqual(model.processes().map((p) => [p.label, p.pid, p.status, p.limitBytes]), [['a.ipynb', 0, 'connecting', null]]);
    model.fed.update('srv#k', { pid: 5, status: '', limit: { bytes: 4096 * MB, source: 'kernel-host' } });
    feed.sample('srv#k', 1_000_000, 70 * MB);
    feed.sample('1234:1', 1_000_000, 1 * MB);
    const [view] = model.processes();
    assert.deepEqual([view.pid, view.status, view.limitBytes, view.rssBytes], [5, undefined, 4096 * MB, 70 * MB]);
    assert.equal(model.sampler.running, false, 'no local sampling for a fed series');
    attached.dispose();
    feed.sample('srv#k', 1_001_000, 80 * MB);
    assert.equal(model.processes()[0].rssBytes, 70 * MB, 'nothing arrives after dispose');
    model.dispose();
  });

  it('marks a restart and ignores series the sampler feeds', () => {
    const model = new MemoryModel();
    model.fed.watch({ seriesId: 'srv#k', pid: 5, label: 'a.ipynb', source: 'remote', limit: undefined });
    model.fed.markRestart('srv#k', 6, 2_000_000);
    model.fed.markRestart('not-fed', 6, 2_000_000);
    assert.deepEqual(model.markers(), [{ key: 'srv#k', t: 2_000_000, kind: 'restart', label: 'restarted as PID 6' }]);
    assert.equal(model.processes()[0].pid, 6);
    model.dispose();
  });
});
