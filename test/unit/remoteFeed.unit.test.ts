// A Jupyter Server's kernels in the memory model, driven through the source's interface (the
// real source is exercised against a real jupyter_server in test/integration/remote*.test.ts):
// each kernel under its notebook's name with the source kind `remote`, the limit from the
// reply, restart markers, the series' end, plain reasons for kernels without figures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Disposable, TreeExit, TreeSample } from '../../src/core/sampler';
import { MemoryModel } from '../../src/model/memoryModel';
import { RemoteKernelFeed, remoteLabel, remoteNote, remoteStatus, type RemoteKernelSource } from '../../src/model/remoteFeed';
import type { RemoteKernelRestart, RemoteKernelView } from '../../src/remote/jupyterServerSource';

const MB = 1024 * 1024;
const SERVER = 'http://127.0.0.1:8888/user/demo/';

function listeners<T>(): { set: Set<(value: T) => void>; on: (listener: (value: T) => void) => Disposable; fire: (value: T) => void } {
  const set = new Set<(value: T) => void>();
  return { set, on: (listener) => (set.add(listener), { dispose: () => set.delete(listener) }), fire: (value) => [...set].forEach((l) => l(value)) };
}

class ServerKernels implements RemoteKernelSource {
  readonly address = { display: SERVER };
  views: RemoteKernelView[] = [];
  readonly samples = listeners<TreeSample>();
  readonly exits = listeners<TreeExit>();
  readonly restarts = listeners<RemoteKernelRestart>();
  readonly changes = listeners<readonly RemoteKernelView[]>();
  readonly gone = listeners<string>();
  kernels(): RemoteKernelView[] {
    return this.views;
  }
  onSample = this.samples.on;
  onExit = this.exits.on;
  onRestart = this.restarts.on;
  onDidChangeKernels = this.changes.on;
  onServerGone = this.gone.on;
  set(kernelId: string, change: Partial<RemoteKernelView>): void {
    this.views = this.views.filter((view) => view.kernelId !== kernelId).concat(kernelView(kernelId, { ...this.views.find((v) => v.kernelId === kernelId), ...change }));
    this.changes.fire(this.views);
  }
  sample(kernelId: string, t: number, bytes: number): void {
    this.samples.fire({ processKey: `${SERVER}#${kernelId}`, pid: 4242, t, memoryBytes: bytes, measure: 'pss', rssBytes: bytes, selfBytes: bytes, children: [] });
  }
}

function kernelView(kernelId: string, change: Partial<RemoteKernelView> = {}): RemoteKernelView {
  return {
    key: `${SERVER}#${kernelId}`, server: SERVER, kernelId, kernelName: 'python3', notebook: 'work/demo.ipynb', label: 'work/demo.ipynb',
    pid: undefined, hostname: undefined, sampledLocally: false, state: 'connecting', reason: undefined, executionState: 'idle',
    limit: undefined, lastBytes: 0, restarts: 0, reconnects: 0, ...change,
  };
}

function modelAndFeed(): { model: MemoryModel; source: ServerKernels; feed: RemoteKernelFeed } {
  const model = new MemoryModel();
  const source = new ServerKernels();
  source.views = [kernelView('k1')];
  return { model, source, feed: new RemoteKernelFeed(model, source) };
}

describe('RemoteKernelFeed', () => {
  it('lists a kernel under its notebook name as remote, connecting, with no limit yet', () => {
    const { model, feed } = modelAndFeed();
    const [view] = model.processes();
    assert.equal(view.label, 'demo.ipynb');
    assert.equal(view.source, 'remote');
    assert.equal(view.status, 'connecting');
    assert.equal(view.limitBytes, null);
    assert.deepEqual([...feed.series], [`${SERVER}#k1`]);
    feed.dispose();
    model.dispose();
  });

  it('feeds samples into the series with the limit of the first reply, and the note says what the figure is', () => {
    const { model, source, feed } = modelAndFeed();
    source.views = [kernelView('k1', { state: 'sampling', pid: 4242, limit: { bytes: 8192 * MB, source: 'kernel-host' } })];
    for (let i = 0; i < 5; i++) source.sample('k1', 1_000_000 + i * 1000, (100 + i) * MB);
    const [view] = model.processes();
    assert.equal(view.rssBytes, 104 * MB);
    assert.equal(view.pid, 4242);
    assert.equal(view.limitBytes, 8192 * MB);
    assert.equal(view.limitSource, "the kernel host's RAM (usage_reply)");
    assert.equal(view.status, undefined);
    assert.match(view.note ?? '', /the memory the kernel reports \(usage_reply/);
    assert.equal(model.series()[view.key].length, 5);
    feed.dispose();
    model.dispose();
  });

  it('marks a restart and keeps the series; an exit ends it; samples of other keys are ignored', () => {
    const { model, source, feed } = modelAndFeed();
    source.set('k1', { state: 'sampling', pid: 10 });
    source.sample('k1', 1_000_000, 100 * MB);
    source.restarts.fire({ key: `${SERVER}#k1`, kernelId: 'k1', server: SERVER, t: 1_001_000, previousPid: 10, pid: 11 });
    source.sample('k1', 1_002_000, 60 * MB);
    source.samples.fire({ processKey: '999:1', pid: 999, t: 1_002_000, memoryBytes: MB, measure: 'rss', rssBytes: MB, selfBytes: MB, children: [] });
    const key = `${SERVER}#k1`;
    assert.deepEqual(model.markers().map((marker) => [marker.kind, marker.label]), [['restart', 'restarted as PID 11']]);
    assert.equal(model.series()[key].length, 2);
    assert.equal(model.processes().length, 1);
    source.exits.fire({ processKey: key, pid: 11, t: 1_003_000, lastRssBytes: 60 * MB, reason: 'exited' });
    source.set('k1', { state: 'ended', reason: 'shut down' });
    const [view] = model.processes();
    assert.equal(view.exited, true);
    assert.match(view.note ?? '', /ended \(shut down\)/);
    assert.equal(model.markers().at(-1)?.kind, 'exit');
    feed.dispose();
    assert.equal(model.processes().length, 0, 'a disconnect drops the series');
    model.dispose();
  });

  it('shows kernels without figures with the source\'s plain reason, and does not start ended ones', () => {
    const { model, source, feed } = modelAndFeed();
    source.set('k2', { notebook: undefined, label: 'python3 kernel k2', state: 'no-usage', reason: 'this kernel does not report its memory: it needs ipykernel ≥ 6.11 with psutil' });
    source.set('k1', { state: 'not-answering', reason: 'the kernel stopped answering usage requests' });
    source.set('k3', { state: 'ended', reason: 'shut down' });
    const byLabel = new Map(model.processes().map((view) => [view.label, view]));
    assert.deepEqual([...byLabel.keys()].sort(), ['demo.ipynb', 'python3 kernel k2']);
    assert.equal(byLabel.get('python3 kernel k2')?.status, 'does not report its memory');
    assert.match(byLabel.get('python3 kernel k2')?.note ?? '', /needs ipykernel ≥ 6.11 with psutil/);
    assert.equal(byLabel.get('demo.ipynb')?.status, 'not answering');
    assert.match(byLabel.get('demo.ipynb')?.note ?? '', /not answering \(the kernel stopped answering usage requests\)/);
    feed.dispose();
    model.dispose();
  });

  it('keeps the override setting over the host RAM of the reply', () => {
    const model = new MemoryModel({ limitOverrideBytes: 2048 * MB });
    const source = new ServerKernels();
    source.views = [kernelView('k1', { state: 'sampling', pid: 7, limit: { bytes: 8192 * MB, source: 'kernel-host' } })];
    const feed = new RemoteKernelFeed(model, source);
    source.sample('k1', 1_000_000, 100 * MB);
    assert.equal(model.processes()[0].limitBytes, 2048 * MB);
    assert.equal(model.processes()[0].limitSource, 'your setting');
    feed.dispose();
    model.dispose();
  });
});

describe('remote kernel words', () => {
  it('names the notebook file, else the source label', () => {
    assert.equal(remoteLabel(kernelView('k', { notebook: 'a/b/Untitled.ipynb' })), 'Untitled.ipynb');
    assert.equal(remoteLabel(kernelView('k', { notebook: undefined, label: 'python3 kernel 12345678' })), 'python3 kernel 12345678');
  });

  it('says when the kernel runs here and is read from /proc', () => {
    const view = kernelView('abcdef0123', { state: 'sampling', sampledLocally: true, pid: 77 });
    assert.equal(remoteNote(view), `kernel abcdef01 on ${SERVER}: runs on this machine, so PID 77 is read from /proc (RSS of the kernel and its children)`);
    assert.equal(remoteStatus(view), '');
  });
});
