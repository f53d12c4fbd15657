import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CellLedger } from '../../src/kernel/cellLedger';
import { dominantComponent, interpretDiagnosis } from '../../src/kernel/kernelBridge';
import { assessKernelDeath } from '../../src/kernel/postMortem';

const MB = 1024 * 1024;
const GB = 1024 * MB;

describe('per-cell memory ledger', () => {
  it('records start, peak, end and retained bytes of each cell', () => {
    const ledger = new CellLedger();
    ledger.sample(0, 100 * MB);
    ledger.cellStarted('c1', '[1] a.ipynb', null, 1000);
    ledger.sample(1100, 400 * MB);
    ledger.sample(1200, 300 * MB);
    const entry = ledger.cellEnded('c1', 1300, 'succeeded', 1)!;
    assert.equal(entry.startBytes, 100 * MB);
    assert.equal(entry.peakBytes, 400 * MB);
    assert.equal(entry.endBytes, 300 * MB);
    assert.equal(entry.retainedBytes, 200 * MB);
    assert.equal(entry.executionOrder, 1);
    assert.equal(ledger.latestFor('c1'), entry);
  });

  it('ignores repeated start events and ends for other cells; a new start ends the old cell as cancelled', () => {
    const ledger = new CellLedger();
    ledger.sample(0, 100 * MB);
    ledger.cellStarted('c1', 'one', null, 1);
    ledger.cellStarted('c1', 'one', null, 2);
    assert.equal(ledger.cellEnded('c2', 3, 'succeeded'), undefined);
    ledger.cellStarted('c2', 'two', null, 4);
    const list = ledger.list();
    assert.equal(list.length, 2);
    assert.equal(list[0].outcome, 'cancelled');
    assert.equal(list[0].startedAt, 1);
    assert.equal(list[1].outcome, 'running');
  });

  it('a start event that came late: the entry starts from the last sample by the real start time', () => {
    const ledger = new CellLedger();
    ledger.sample(0, 100 * MB);
    ledger.sample(1000, 100 * MB); // the cell really starts at 1100
    ledger.sample(1250, 180 * MB); // its allocation has begun when the start event comes
    ledger.cellStarted('c1', 'one', 1, 1300);
    ledger.sample(1500, 400 * MB);
    const entry = ledger.cellEnded('c1', 2000, 'succeeded', 1, 1100)!;
    assert.equal(entry.startedAt, 1100);
    assert.equal(entry.startBytes, 100 * MB);
    assert.equal(entry.retainedBytes, 300 * MB);
    // Without a real start time, or with one after the event, the event's figure stays.
    const plain = new CellLedger();
    plain.sample(1250, 180 * MB);
    plain.cellStarted('c1', 'one', 1, 1300);
    plain.sample(1500, 400 * MB);
    assert.equal(plain.cellEnded('c1', 2000, 'succeeded', 1, 1400)!.startBytes, 180 * MB);
  });

  it('keeps a bounded history', () => {
    const ledger = new CellLedger(3);
    for (let i = 0; i < 10; i++) {
      ledger.cellStarted(`c${i}`, String(i), i, i);
      ledger.cellEnded(`c${i}`, i + 0.5, 'succeeded');
    }
    assert.deepEqual(ledger.list().map((e) => e.cellId), ['c7', 'c8', 'c9']);
  });
});

describe('diagnosis breakdown', () => {
  it('splits RSS into garbage, retention, output cache and live data', () => {
    const d = interpretDiagnosis({
      outputCache: { entries: 2, bytes: 50 * MB },
      rssBefore: 900 * MB,
      collectedObjects: 10,
      rssAfterCollect: 400 * MB,
      mallinfoBefore: null,
      trimmed: true,
      rssAfterTrim: 300 * MB,
      mallinfoAfter: null,
      seconds: 0.1,
    });
    assert.equal(d.cyclicGarbageBytes, 500 * MB);
    assert.equal(d.allocatorRetentionBytes, 100 * MB);
    assert.equal(d.liveDataBytes, 250 * MB);
    assert.equal(d.dominant, 'cyclic-garbage');
  });

  it('calls small releasable parts live data', () => {
    assert.equal(dominantComponent({ rssBeforeBytes: 2 * GB, cyclicGarbageBytes: 20 * MB, allocatorRetentionBytes: 10 * MB, outputCacheBytes: 0 }), 'live-data');
  });
});

describe('out-of-memory post-mortem', () => {
  const limit = { bytes: 12 * GB, source: 'cgroup-v2' as const };

  it('names the notebook, the cell and the figures when the kernel died at the limit', () => {
    const result = assessKernelDeath({
      notebookName: 'analysis.ipynb',
      lastRssBytes: 11.8 * GB,
      recentPeakBytes: 11.8 * GB,
      limit,
      signal: 'SIGKILL',
      runningCell: { label: 'cell 17', executionOrder: 17 },
    });
    assert.equal(result.likelyOutOfMemory, true);
    assert.equal(result.evidence, 'near-limit');
    assert.equal(result.message, 'Kernel of analysis.ipynb was likely killed for memory: 11.8 GB of 12.0 GB (cgroup v2 memory.max), cell [17] running.');
  });

  it("trusts the cgroup's oom_kill counter even far from the limit", () => {
    const result = assessKernelDeath({ notebookName: 'a.ipynb', lastRssBytes: 2 * GB, recentPeakBytes: 2 * GB, limit, oomKillsBefore: 0, oomKillsAfter: 1 });
    assert.equal(result.evidence, 'oom-kill-counter');
  });

  it('does not blame memory for a kernel that exited low', () => {
    const result = assessKernelDeath({ notebookName: 'a.ipynb', lastRssBytes: 300 * MB, recentPeakBytes: 300 * MB, limit, oomKillsBefore: 0, oomKillsAfter: 0, runningCell: { label: 'cell 4', executionOrder: 9 } });
    assert.equal(result.likelyOutOfMemory, false);
    assert.equal(result.message, 'Kernel of a.ipynb exited at 300 MB, cell [9] running.', 'it still says which cell ran');
  });
});

describe('diagnosis report and auto-release policy', () => {
  const base = {
    rssBeforeBytes: 900 * MB,
    rssAfterBytes: 300 * MB,
    cyclicGarbageBytes: 500 * MB,
    collectedObjects: 10,
    allocatorRetentionBytes: 100 * MB,
    trimmed: true,
    outputCacheBytes: 0,
    outputCacheEntries: 0,
    liveDataBytes: 300 * MB,
    dominant: 'cyclic-garbage' as const,
    mallinfoBefore: null,
    mallinfoAfter: null,
    kernelSeconds: 0.1,
    liveData: null,
  };

  it('offers the fix that matches the dominant part', async () => {
    const { describeDiagnosis } = await import('../../src/kernel/diagnosisReport');
    assert.deepEqual(describeDiagnosis('a.ipynb', base).actions, ['insert-collect']);
    assert.deepEqual(describeDiagnosis('a.ipynb', { ...base, dominant: 'allocator-retention' }).actions, ['insert-trim']);
    const cache = describeDiagnosis('a.ipynb', { ...base, dominant: 'output-cache', outputCacheBytes: 300 * MB, outputCacheEntries: 4 });
    assert.deepEqual(cache.actions, ['display-instead-of-cache', 'clear-output-cache']);
    assert.match(cache.headline, /4 cached outputs keep 300 MB alive/);
    const one = describeDiagnosis('a.ipynb', { ...base, dominant: 'output-cache', outputCacheBytes: 300 * MB, outputCacheEntries: 1 });
    assert.match(one.headline, /: 1 cached output keeps 300 MB alive/);
    const { describeClearedCache } = await import('../../src/kernel/diagnosisReport');
    assert.equal(describeClearedCache({ freedEntries: 1, heldBytesBefore: 100 * MB }), 'Cleared 1 cached output (it held 100 MB).');
    assert.equal(describeClearedCache({ freedEntries: 4, heldBytesBefore: 300 * MB }), 'Cleared 4 cached outputs (they held 300 MB).');
    assert.match(describeDiagnosis('a.ipynb', { ...base, dominant: 'live-data' }).headline, /live data/);
    assert.equal(describeDiagnosis('a.ipynb', base).rows.length, 4);
  });

  it('auto-releases only after a cell that retained enough, never more often than the interval', async () => {
    const { shouldAutoRelease } = await import('../../src/kernel/diagnosisReport');
    const policy = { enabled: true, thresholdBytes: 100 * MB, minIntervalMs: 30_000 };
    const entry = { cellId: 'c', label: 'c', executionOrder: 1, startedAt: 0, endedAt: 1, startBytes: 0, peakBytes: 0, endBytes: 200 * MB, retainedBytes: 200 * MB, outcome: 'succeeded' as const };
    assert.equal(shouldAutoRelease(policy, entry, undefined, 1000), true);
    assert.equal(shouldAutoRelease(policy, entry, 0, 10_000), false);
    assert.equal(shouldAutoRelease(policy, { ...entry, retainedBytes: 10 * MB }, undefined, 1000), false);
    assert.equal(shouldAutoRelease({ ...policy, enabled: false }, entry, undefined, 1000), false);
  });

  it('writes the cell status bar text', async () => {
    const { describeLedgerEntry } = await import('../../src/kernel/diagnosisReport');
    const entry = { cellId: 'c', label: 'c', executionOrder: 1, startedAt: 0, endedAt: 1, startBytes: 100 * MB, peakBytes: 900 * MB, endBytes: 512 * MB, retainedBytes: 412 * MB, outcome: 'succeeded' as const };
    assert.equal(describeLedgerEntry(entry)!.text, '$(pulse) +412 MB retained');
    assert.match(describeLedgerEntry(entry)!.tooltip, /peak 900 MB/);
  });
});
