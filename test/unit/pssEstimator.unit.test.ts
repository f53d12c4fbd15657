// The tree's PSS from slow smaps_rollup readings applied to fast RSS samples (src/core/pssEstimator.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RollupReading } from '../../src/core/processReader';
import { NOTE_UNSUPPORTED, PssEstimator, type MemberRss } from '../../src/core/pssEstimator';

const MB = 1024 * 1024;

/** A fake smaps_rollup: what each PID answers, and which PIDs were read. */
function rollups(answers: Record<number, RollupReading | (() => RollupReading)>): { read: (pid: number) => Promise<RollupReading>; reads: number[] } {
  const reads: number[] = [];
  return {
    reads,
    read: async (pid) => {
      reads.push(pid);
      const answer = answers[pid];
      if (answer === undefined) return 'gone';
      return typeof answer === 'function' ? answer() : answer;
    },
  };
}

/** A parent holding 500 MB and 4 forked workers sharing it: each RSS ≈ 500 MB, PSS ≈ 100 MB. */
const pool = (extra = 0): MemberRss[] => [
  { pid: 10, rssBytes: 510 * MB + extra },
  ...[11, 12, 13, 14].map((pid) => ({ pid, rssBytes: 505 * MB })),
];
const poolRollups = {
  10: { rssBytes: 510 * MB, pssBytes: 110 * MB },
  11: { rssBytes: 505 * MB, pssBytes: 101 * MB },
  12: { rssBytes: 505 * MB, pssBytes: 101 * MB },
  13: { rssBytes: 505 * MB, pssBytes: 101 * MB },
  14: { rssBytes: 505 * MB, pssBytes: 101 * MB },
};

describe('PSS estimator', () => {
  it('keeps plain RSS for a process alone and reads nothing', async () => {
    const estimator = new PssEstimator();
    const { read, reads } = rollups({ 10: { rssBytes: 500 * MB, pssBytes: 400 * MB } });
    const members = [{ pid: 10, rssBytes: 500 * MB }];
    await estimator.refresh('k', members, 0, read);
    const figure = estimator.figure('k', members);
    assert.deepEqual(reads, []);
    assert.equal(figure.measure, 'rss');
    assert.equal(figure.bytes, 500 * MB);
    assert.equal(figure.note, undefined);
  });

  it('counts a fork pool once: the summed PSS, with the summed RSS beside it', async () => {
    const estimator = new PssEstimator();
    const { read, reads } = rollups(poolRollups);
    await estimator.refresh('k', pool(), 0, read);
    const figure = estimator.figure('k', pool());
    assert.deepEqual(reads, [10, 11, 12, 13, 14]);
    assert.equal(figure.measure, 'pss');
    assert.equal(figure.bytes, 514 * MB);
    assert.equal(figure.rssBytes, 2530 * MB);
    assert.equal(figure.pssByPid.get(11), 101 * MB);
  });

  it('applies the last shares to the fast samples and re-reads only when due', async () => {
    const estimator = new PssEstimator({ refreshIntervalMs: 5000 });
    const { read, reads } = rollups(poolRollups);
    await estimator.refresh('k', pool(), 0, read);
    // the parent allocates 40 MB of its own: RSS and PSS rise alike, no smaps_rollup read
    for (let t = 250; t < 5000; t += 250) await estimator.refresh('k', pool(40 * MB), t, read);
    assert.equal(reads.length, 5);
    assert.equal(estimator.figure('k', pool(40 * MB)).bytes, 554 * MB);
    await estimator.refresh('k', pool(40 * MB), 5000, read);
    assert.equal(reads.length, 10, 'every member again after the refresh interval');
  });

  it('backs off while an idle pool keeps its shares, and comes back when its RSS moves', async () => {
    const estimator = new PssEstimator({ refreshIntervalMs: 5000, maxRefreshIntervalMs: 30_000 });
    const { read, reads } = rollups(poolRollups);
    const fullReadsAt: number[] = [];
    for (let t = 0; t <= 90_000; t += 250) {
      const before = reads.length;
      await estimator.refresh('k', pool(), t, read);
      if (reads.length > before) fullReadsAt.push(t);
    }
    assert.deepEqual(fullReadsAt, [0, 5000, 15_000, 35_000, 65_000]);
    // the parent grows by 10 % of the tree: the next re-read is 5 s after the last one
    const grownAt = 70_000;
    for (let t = 90_250; t <= 96_000; t += 250) {
      const before = reads.length;
      await estimator.refresh('k', pool(t >= grownAt ? 260 * MB : 0), t, read);
      if (reads.length > before) fullReadsAt.push(t);
    }
    assert.equal(fullReadsAt[5], 90_250, 'due at once: more than the base interval since the last re-read');
  });

  it('reads a new child at once, and every member once the change spacing allows', async () => {
    const estimator = new PssEstimator({ refreshIntervalMs: 5000, changeSpacingMs: 1000 });
    const { read, reads } = rollups({ ...poolRollups, 15: { rssBytes: 505 * MB, pssBytes: 84 * MB } });
    await estimator.refresh('k', pool(), 0, read);
    const grown = [...pool(), { pid: 15, rssBytes: 505 * MB }];
    await estimator.refresh('k', grown, 500, read);
    assert.deepEqual(reads.slice(5), [15], 'within the spacing: only the newcomer');
    assert.equal(estimator.figure('k', grown).pssByPid.get(15), 84 * MB);
    const shrunk = grown.filter((member) => member.pid !== 12);
    await estimator.refresh('k', shrunk, 1500, read);
    assert.deepEqual(reads.slice(6), [10, 11, 13, 14, 15], 'a member left: every share moved, all re-read');
    assert.equal(estimator.figure('k', shrunk).pssByPid.has(12), false);
  });

  it('leaves out a child that exited between the statm read and smaps_rollup, without throwing', async () => {
    const estimator = new PssEstimator();
    const { read } = rollups({ ...poolRollups, 13: 'gone', 14: () => { throw new Error('ESRCH'); } });
    await estimator.refresh('k', pool(), 0, read);
    const figure = estimator.figure('k', pool());
    // 14's read threw: it is unreadable, so the tree falls back to RSS and says why
    assert.equal(figure.measure, 'rss');
    assert.match(figure.note ?? '', /PID 14/);
    const gone = new PssEstimator();
    const onlyGone = rollups({ ...poolRollups, 13: 'gone' });
    await gone.refresh('k', pool(), 0, onlyGone.read);
    const counted = gone.figure('k', pool());
    assert.equal(counted.measure, 'pss');
    assert.equal(counted.pssByPid.has(13), false);
    assert.equal(counted.bytes, 413 * MB);
    assert.equal(counted.rssBytes, 2025 * MB, 'the exited child is in neither figure');
  });

  it('falls back to RSS and says so where smaps_rollup is missing or unreadable', async () => {
    const missing = new PssEstimator();
    await missing.refresh('k', pool(), 0, async () => 'unsupported');
    const figure = missing.figure('k', pool());
    assert.deepEqual([figure.measure, figure.bytes, figure.note], ['rss', 2530 * MB, NOTE_UNSUPPORTED]);
    const denied = new PssEstimator();
    await denied.refresh('k', pool(), 0, rollups({ ...poolRollups, 11: 'unreadable' }).read);
    assert.equal(denied.figure('k', pool()).measure, 'rss');
    assert.match(denied.figure('k', pool()).note ?? '', /PID 11 cannot be read/);
  });

  it('goes back to RSS when the children are gone, and reads afresh when one comes back', async () => {
    const estimator = new PssEstimator();
    const { read, reads } = rollups(poolRollups);
    await estimator.refresh('k', pool(), 0, read);
    const alone = [{ pid: 10, rssBytes: 510 * MB }];
    await estimator.refresh('k', alone, 250, read);
    assert.equal(estimator.figure('k', alone).measure, 'rss');
    await estimator.refresh('k', pool(), 500, read);
    assert.equal(reads.length, 10);
    assert.equal(estimator.figure('k', pool()).measure, 'pss');
  });
});
