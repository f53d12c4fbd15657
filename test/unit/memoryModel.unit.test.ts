// The session model over a scripted process reader (no real process): watching, samples reaching
// the series, the deltas and the listeners, a restart continuing its series, an exit, the CSV.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProcessIdentity, ProcessInfo, ProcessReader, RollupReading } from '../../src/core/processReader';
import { ProcessTreeSampler } from '../../src/core/sampler';
import { parseTrace } from '../../src/core/trace';
import { MemoryModel, type ProcessExit, type SeriesSample } from '../../src/model/memoryModel';

const MB = 1024 * 1024;

/** Processes that exist while the test says so, with the RSS it sets. */
class ScriptedReader implements ProcessReader {
  readonly kind = 'procfs' as const;
  readonly live = new Map<number, { startTime: number; rss: number; ppid?: number; pss?: number; startedAtMs?: number }>();

  rss(pid: number): Promise<number | undefined> {
    return Promise.resolve(this.live.get(pid)?.rss);
  }
  identity(pid: number): Promise<ProcessIdentity | undefined> {
    const process = this.live.get(pid);
    return Promise.resolve(process && { pid, startTime: process.startTime });
  }
  listProcesses(): Promise<ProcessInfo[]> {
    return Promise.resolve([...this.live].map(([pid, { startTime, ppid }]) => ({ pid, startTime, ppid: ppid ?? 1, argv: ['python3'] })));
  }
  rollup(pid: number): Promise<RollupReading> {
    const process = this.live.get(pid);
    if (!process) return Promise.resolve('gone');
    return Promise.resolve(process.pss === undefined ? 'unsupported' : { rssBytes: process.rss, pssBytes: process.pss });
  }
  startedAtMs(identity: ProcessIdentity): number | undefined {
    return this.live.get(identity.pid)?.startedAtMs;
  }
  detail(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
  async rssMany(pids: readonly number[]): Promise<Map<number, number>> {
    const result = new Map<number, number>();
    for (const pid of pids) {
      const rss = await this.rss(pid);
      if (rss !== undefined) result.set(pid, rss);
    }
    return result;
  }
}

function modelWith(reader: ScriptedReader, clock: { now: number }): MemoryModel {
  // a timer that never fires during a test: every round is an explicit tick()
  const sampler = new ProcessTreeSampler({ reader, intervalMs: 3_600_000, now: () => clock.now, adaptiveRate: { quietMs: 10_000 } });
  return new MemoryModel({ sampler, limitOverrideBytes: 4096 * MB });
}

describe('memory model', () => {
  it('feeds samples to the series, the deltas and the sample listeners, and exports them as a trace', async () => {
    const reader = new ScriptedReader();
    const clock = { now: 1_000_000 };
    const model = modelWith(reader, clock);
    try {
      reader.live.set(101, { startTime: 5, rss: 100 * MB });
      const samples: SeriesSample[] = [];
      let updates = 0;
      model.onDidSample((sample) => samples.push(sample));
      model.onDidUpdate(() => updates++);
      const view = await model.watch({ pid: 101, label: 'job.py', source: 'terminal', resourceUri: 'file:///job.py' });
      assert.equal(view.key, '101:5', 'without a series id, the process is its own series');
      assert.ok(model.sampler.running);
      assert.equal((await model.watch({ pid: 101, label: 'again', source: 'terminal' })).label, 'job.py', 'watching twice is one watch');
      for (let i = 0; i < 4; i++) {
        reader.live.get(101)!.rss = (100 + i) * MB;
        await model.sampler.tick();
        clock.now += 250;
      }
      assert.equal(samples.length, 4);
      assert.deepEqual(samples[3], { seriesId: '101:5', tMs: 1_000_750, rssBytes: 103 * MB });
      assert.equal(updates, 4);
      assert.equal(model.process('101:5')?.rssBytes, 103 * MB);
      // the detector is fed per closed 0.5-s bucket: it has heard of [1000 s, 1000.5 s) only, yet counts every sample
      assert.equal(model.verdictOf('101:5')?.lastBytes, 101 * MB);
      assert.equal(model.verdictOf('101:5')?.samples, 4);
      assert.equal(model.limitOf('101:5')?.source, 'override');
      assert.equal(model.isWatchingPid(101), true);
      assert.equal(model.seriesIdOfPid(101), '101:5');
      const pending = model.takePending();
      assert.deepEqual(pending.points['101:5'].map((p) => p.min), [100, 101, 102, 103].map((n) => n * MB));
      assert.deepEqual(model.takePending().points, {}, 'each delta is handed out once');
      const trace = parseTrace(model.traceCsv('101:5')!);
      assert.equal(trace[0].t, 0, 'times relative to the first sample');
      assert.equal(trace.at(-1)!.rss, 103 * MB);
      assert.equal(model.traceCsv('nothing'), undefined);
    } finally {
      model.dispose();
    }
  });

  it("gives a process watched long after it started no start-up allowance, and a fresh one its 15 s", async () => {
    const alarmAfter = async (startedAgoMs: number): Promise<number | undefined> => {
      const reader = new ScriptedReader();
      const clock = { now: 1_000_000 };
      const model = modelWith(reader, clock);
      try {
        reader.live.set(7, { startTime: 3, rss: 50 * MB, startedAtMs: clock.now - startedAgoMs });
        const view = await model.watch({ pid: 7, label: 'leak.py', source: 'terminal' });
        for (let i = 1; i <= 56; i++) {
          // a steady 8 MB/s, under the start-up allowance throughout
          reader.live.get(7)!.rss = (50 + 2 * i) * MB;
          clock.now += 250;
          await model.sampler.tick();
          if (model.process(view.key)?.alarm) return i * 0.25;
        }
        return undefined;
      } finally {
        model.dispose();
      }
    };
    const attached = await alarmAfter(600_000);
    assert.ok(attached !== undefined && attached < 10, `watched 10 min after its start: alarmed after ${attached} s`);
    const fresh = await alarmAfter(0);
    assert.equal(fresh, undefined, 'a process in its first 15 s keeps its start-up allowance');
  });

  it('continues a series across a restart with a marker, and reports an exit once', async () => {
    const reader = new ScriptedReader();
    const clock = { now: 2_000_000 };
    const model = modelWith(reader, clock);
    try {
      const exits: ProcessExit[] = [];
      model.onDidExit((exit) => exits.push(exit));
      reader.live.set(200, { startTime: 1, rss: 300 * MB });
      await model.watch({ pid: 200, label: 'a.ipynb', source: 'kernel', seriesId: 'file:///a.ipynb' });
      await model.sampler.tick();
      reader.live.delete(200);
      clock.now += 250;
      await model.sampler.tick();
      assert.equal(exits.length, 1);
      assert.equal(exits[0].view.key, 'file:///a.ipynb');
      assert.equal(exits[0].exit.lastRssBytes, 300 * MB);
      assert.equal(model.process('file:///a.ipynb')?.exited, true);
      assert.equal(model.isWatchingPid(200), false);
      assert.equal(model.sampler.running, false, 'nothing left to sample');

      reader.live.set(201, { startTime: 9, rss: 120 * MB });
      const again = await model.watch({ pid: 201, label: 'a.ipynb', source: 'kernel', seriesId: 'file:///a.ipynb' });
      assert.equal(again.pid, 201);
      assert.equal(again.exited, false);
      assert.equal(model.processes().length, 1, 'one series, not two');
      assert.deepEqual(model.markers().map((m) => m.kind), ['exit', 'restart']);
      assert.deepEqual(model.takePending().markers.map((m) => m.kind), ['exit', 'restart']);
      model.mark('file:///a.ipynb', 'cell', '[1]', clock.now);
      assert.equal(model.markers().at(-1)!.label, '[1]');
    } finally {
      model.dispose();
    }
  });

  it('forgets an unwatched series at once and tells the views', async () => {
    const reader = new ScriptedReader();
    const clock = { now: 3_000_000 };
    const model = modelWith(reader, clock);
    try {
      reader.live.set(300, { startTime: 2, rss: 10 * MB });
      const view = await model.watch({ pid: 300, label: 'x.py', source: 'manual' });
      await model.sampler.tick();
      let updates = 0;
      model.onDidUpdate(() => updates++);
      model.unwatch(view.key);
      assert.equal(updates, 1);
      assert.deepEqual(model.processes(), []);
      assert.deepEqual(model.series(), {});
      assert.deepEqual(model.takePending().points, {});
      assert.equal(model.sampler.watched().length, 0);
      assert.equal(model.findings().length, 0);
    } finally {
      model.dispose();
    }
  });

  it('shows a tree by its PSS with its summed RSS beside it, and passes the measure to the series', async () => {
    const reader = new ScriptedReader();
    const clock = { now: 1_000_000 };
    const model = modelWith(reader, clock);
    try {
      reader.live.set(201, { startTime: 5, rss: 500 * MB, pss: 100 * MB });
      for (const pid of [202, 203, 204, 205]) reader.live.set(pid, { startTime: 6, rss: 500 * MB, ppid: 201, pss: 100 * MB });
      const view = await model.watch({ pid: 201, label: 'pool.py', source: 'terminal' });
      const seen: number[] = [];
      model.onDidSample((sample) => seen.push(sample.rssBytes));
      await model.sampler.tick();
      const shown = model.process(view.key)!;
      assert.deepEqual([shown.measure, shown.rssBytes, shown.summedRssBytes, shown.childCount], ['pss', 500 * MB, 2500 * MB, 4]);
      assert.deepEqual(seen, [500 * MB], 'the series and the ledger follow the tree figure');
    } finally {
      model.dispose();
    }
  });

  it('wakes a quiet series back to the configured rate', async () => {
    const reader = new ScriptedReader();
    const clock = { now: 1_000_000 };
    const model = modelWith(reader, clock);
    try {
      reader.live.set(301, { startTime: 5, rss: 100 * MB });
      const view = await model.watch({ pid: 301, label: 'kernel', source: 'kernel', seriesId: 'file:///a.ipynb' });
      const processKey = '301:5';
      for (let i = 0; i <= 11; i++) {
        await model.sampler.tick();
        clock.now += 1000;
      }
      assert.equal(model.sampler.isIdle(processKey), true);
      model.wake('file:///elsewhere.ipynb');
      assert.equal(model.sampler.isIdle(processKey), true, 'another series: no change');
      model.wake(view.key);
      assert.equal(model.sampler.isIdle(processKey), false);
    } finally {
      model.dispose();
    }
  });

  it('samples one series now on request, for the figure at a cell\'s end', async () => {
    const reader = new ScriptedReader();
    const clock = { now: 1_000_000 };
    const model = modelWith(reader, clock);
    try {
      reader.live.set(401, { startTime: 5, rss: 100 * MB });
      const view = await model.watch({ pid: 401, label: 'kernel', source: 'kernel', seriesId: 'file:///b.ipynb' });
      await model.sampler.tick();
      assert.equal(await model.sampleNow('file:///unknown.ipynb', 5000), undefined, 'a series not watched: at once');
      model.sampler.start(); // the next round is an hour away: only the request brings a sample now
      reader.live.set(401, { startTime: 5, rss: 400 * MB });
      const sample = await model.sampleNow(view.key, 5000);
      assert.equal(sample?.rssBytes, 400 * MB);
    } finally {
      model.dispose();
    }
  });
});
