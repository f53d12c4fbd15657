import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessRemoteDeath } from '../../src/remote/remotePostMortem';
import type { RemoteKernelDeath } from '../../src/remote/remoteKernelTypes';

const MB = 1024 * 1024;
const death = (change: Partial<RemoteKernelDeath> = {}): RemoteKernelDeath => ({
  key: 'http://hub/user/ana/#k1',
  kernelId: 'k1',
  server: 'http://hub/user/ana/',
  label: 'analysis.ipynb',
  t: 0,
  lastBytes: 1900 * MB,
  recentPeakBytes: 1950 * MB,
  limit: { bytes: 2048 * MB, source: 'cgroup-v2' },
  runningCell: { label: '[7] df = load()', executionOrder: 7 },
  ...change,
});

describe('assessRemoteDeath', () => {
  it('says a kernel that died near its pod limit was likely killed for memory, naming notebook, server and cell', () => {
    const result = assessRemoteDeath(death());
    assert.equal(result.likelyOutOfMemory, true);
    assert.equal(result.message, 'Kernel of analysis.ipynb on http://hub/user/ana/ was likely killed for memory: 1.90 GB of 2.00 GB (cgroup v2 memory.max), cell [7] running.');
  });

  it('makes no claim about memory far from the limit', () => {
    const result = assessRemoteDeath(death({ lastBytes: 300 * MB, recentPeakBytes: 310 * MB }));
    assert.equal(result.likelyOutOfMemory, false);
  });

  it('gives the figures alone when no limit is known', () => {
    const result = assessRemoteDeath(death({ limit: undefined, runningCell: undefined }));
    assert.equal(result.likelyOutOfMemory, false);
    assert.equal(result.message, 'Kernel of analysis.ipynb on http://hub/user/ana/ died at 1.90 GB; the server restarts it.');
  });
});
