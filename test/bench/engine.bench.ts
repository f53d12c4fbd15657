// Engine benchmarks: prints `name: value unit`, one per line. Figures, not assertions.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { GrowthDetector } from '../../src/core/detector/growthDetector';
import { PidusageReader } from '../../src/core/pidusageReader';
import { descendantsOf } from '../../src/core/processReader';
import { ProcfsReader } from '../../src/core/procfsReader';
import { ProcessTreeSampler } from '../../src/core/sampler';
import { SeriesStore } from '../../src/core/seriesStore';

const MB = 1024 * 1024;

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function print(name: string, value: number, unit: string): void {
  console.log(`${name}: ${Number(value.toPrecision(4))} ${unit}`);
}

async function startSleepers(count: number): Promise<ChildProcess[]> {
  const code = 'import sys, time\nx = bytearray(20 * 1024 * 1024)\nprint("ready", flush=True)\ntime.sleep(600)';
  return Promise.all(
    Array.from({ length: count }, () => {
      const child = spawn('/usr/bin/python3', ['-c', code], { stdio: ['ignore', 'pipe', 'inherit'] });
      return new Promise<ChildProcess>((resolve) => child.stdout.once('data', () => resolve(child)));
    }),
  );
}

/** CPU µs per process per tick, with a simulated 4 Hz clock so the slower scans happen as often as they would live. */
async function sampleCost(makeReader: () => ProcfsReader | PidusageReader, pids: number[], ticks: number): Promise<number> {
  let clock = 0;
  const sampler = new ProcessTreeSampler({ reader: makeReader(), now: () => clock });
  let samples = 0;
  sampler.onSample(() => samples++);
  for (const pid of pids) await sampler.watch(pid);
  for (let i = 0; i < 20; i++) {
    clock += 250;
    await sampler.tick(); // warm-up: JIT, descriptors, first scan
  }
  const before = cpuMicros();
  for (let i = 0; i < ticks; i++) {
    clock += 250;
    await sampler.tick();
  }
  const cost = (cpuMicros() - before) / (ticks * pids.length);
  if (samples < ticks * pids.length) throw new Error(`only ${samples} samples`);
  sampler.dispose();
  return cost;
}

/** A parent holding 500 MB and 4 workers forked after it, idle: the tree PSS is for. */
async function startForkPool(): Promise<{ root: ChildProcess; pids: number[] }> {
  const code = [
    'import multiprocessing as mp, time',
    'held = bytearray(b"\\x01") * (500 * 1024 * 1024)',
    'kids = [mp.get_context("fork").Process(target=time.sleep, args=(600,), daemon=True) for _ in range(4)]',
    'for k in kids: k.start()',
    'print("ready", flush=True)',
    'time.sleep(600)',
  ].join('\n');
  const root = spawn('/usr/bin/python3', ['-c', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => root.stdout.once('data', resolve));
  const pids = [root.pid!, ...descendantsOf(root.pid!, new ProcfsReader().listProcessesSync()).map((proc) => proc.pid)];
  return { root, pids };
}

/** CPU µs of one smaps_rollup read (the median of 9 batches) of the 500 MB parent. */
function pssRefreshCost(pid: number): number {
  const reader = new ProcfsReader();
  const batches: number[] = [];
  for (let batch = 0; batch < 9; batch++) {
    const before = cpuMicros();
    for (let i = 0; i < 20; i++) if (typeof reader.rollupSync(pid) === 'string') throw new Error('no smaps_rollup');
    batches.push((cpuMicros() - before) / 20);
  }
  return batches.sort((a, b) => a - b)[4];
}

/** CPU µs per tick of one watched tree, on a simulated 4 Hz clock (so the 5-s share refresh comes every 20 ticks). */
async function treeTickCost(reader: ProcfsReader, pid: number, ticks: number): Promise<{ perTick: number; measure: string }> {
  let clock = 0;
  const sampler = new ProcessTreeSampler({ reader, now: () => clock });
  let measure = '';
  sampler.onSample((sample) => (measure = sample.measure));
  await sampler.watch(pid);
  for (let i = 0; i < 20; i++) {
    clock += 250;
    await sampler.tick();
  }
  const before = cpuMicros();
  for (let i = 0; i < ticks; i++) {
    clock += 250;
    await sampler.tick();
  }
  const perTick = (cpuMicros() - before) / ticks;
  sampler.dispose();
  return { perTick, measure };
}

function rawStatmCost(pids: number[], rounds: number): number {
  const before = cpuMicros();
  for (let i = 0; i < rounds; i++) for (const pid of pids) readFileSync(`/proc/${pid}/statm`, 'latin1');
  return (cpuMicros() - before) / (rounds * pids.length);
}

/**
 * The least a per-sample consumer can do (last value, extremes, count, O(1) a sample): the
 * reference for `detector_cost_ratio`, measured in the same run, since absolute figures swing
 * about 2x on these machines.
 */
class TrivialUpdate {
  last = 0;
  min = Infinity;
  max = -Infinity;
  count = 0;

  push(_t: number, bytes: number): void {
    this.last = bytes;
    if (bytes < this.min) this.min = bytes;
    if (bytes > this.max) this.max = bytes;
    this.count++;
  }
}

function detectorThroughput(): { pushOnly: number; withVerdict: number; trivial: number } {
  // A mixed day at 4 Hz: flat, a leak, a sawtooth, a staircase, noise throughout.
  const n = 4 * 86400 * 3;
  const ts = new Float64Array(n);
  const ys = new Float64Array(n);
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const t = i / 4;
    const phase = Math.floor(t / 20000) % 4;
    const base = 400 * MB + (phase === 1 ? (t % 20000) * 5000 : 0) + (phase === 2 ? ((t % 60) / 60) * 300 * MB : 0) + (phase === 3 ? Math.floor((t % 20000) / 600) * 20 * MB : 0);
    ts[i] = t;
    ys[i] = base + (seed / 4294967296) * 2 * MB;
  }
  // Three passes after a warm-up pass (the JIT's first pass is not what a long session sees);
  // the median pass is the figure.
  const passes: number[] = [];
  for (let pass = 0; pass < 4; pass++) {
    const detector = new GrowthDetector({ limitBytes: 16 * 1024 * MB });
    const start = performance.now();
    for (let i = 0; i < n; i++) detector.push(ts[i], ys[i]);
    if (pass > 0) passes.push(n / ((performance.now() - start) / 1000));
    if (detector.verdict().samples !== n) throw new Error('lost samples');
  }
  const pushOnly = passes.sort((a, b) => a - b)[1];
  const trivialPasses: number[] = [];
  for (let pass = 0; pass < 4; pass++) {
    const update = new TrivialUpdate();
    const start = performance.now();
    for (let i = 0; i < n; i++) update.push(ts[i], ys[i]);
    if (pass > 0) trivialPasses.push(n / ((performance.now() - start) / 1000));
    if (update.count !== n || !(update.max >= update.min)) throw new Error('lost samples');
  }
  const trivial = trivialPasses.sort((a, b) => a - b)[1];
  const m = n / 6;
  const detector = new GrowthDetector({ limitBytes: 16 * 1024 * MB });
  const start = performance.now();
  for (let i = 0; i < m; i++) {
    detector.push(ts[i], ys[i]);
    detector.verdict();
  }
  const withVerdict = m / ((performance.now() - start) / 1000);
  return { pushOnly, withVerdict, trivial };
}

function storeBytes(): number {
  const store = new SeriesStore();
  for (let i = 0; i < 4 * 86400; i++) {
    for (let p = 0; p < 8; p++) store.append(`p${p}`, i / 4, 1e8 + ((i * (p + 1)) % 977) * 1e5);
  }
  return store.memoryBytes();
}

async function main(): Promise<void> {
  const sleepers = await startSleepers(8);
  try {
    const pids = sleepers.map((child) => child.pid!);
    const sample = await sampleCost(() => new ProcfsReader(), pids, 2000);
    const raw = rawStatmCost(pids, 4000);
    print('sample_cost_us_per_process', sample, 'us');
    print('raw_statm_read_us', raw, 'us');
    print('sample_cost_ratio', sample / raw, 'x');
    print('pidusage_cost_us_per_process', await sampleCost(() => new PidusageReader(), pids, 100), 'us');
  } finally {
    for (const child of sleepers) child.kill('SIGKILL');
  }
  const pool = await startForkPool();
  try {
    if (pool.pids.length < 5) throw new Error(`the fork pool has ${pool.pids.length - 1} workers`);
    print('pss_refresh_us', pssRefreshCost(pool.root.pid!), 'us');
    const tree = await treeTickCost(new ProcfsReader(), pool.root.pid!, 400);
    if (tree.measure !== 'pss') throw new Error(`the fork pool was measured by ${tree.measure}`);
    print('sampler_tick_us_4children', tree.perTick, 'us');
    // the same tree by summed RSS only (as where smaps_rollup is missing): what PSS adds
    const rssOnly = new ProcfsReader();
    rssOnly.rollup = () => Promise.resolve('unsupported');
    print('sampler_tick_us_4children_rss_only', (await treeTickCost(rssOnly, pool.root.pid!, 400)).perTick, 'us');
  } finally {
    for (const pid of pool.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  const throughput = detectorThroughput();
  print('detector_samples_per_sec', throughput.pushOnly, 'samples/s');
  print('detector_samples_per_sec_with_verdict', throughput.withVerdict, 'samples/s');
  // ns per sample of the detector over ns per sample of a trivial O(1) update, same run
  print('detector_cost_ratio', throughput.trivial / throughput.pushOnly, 'x');
  print('store_bytes_24h_8proc_4hz', storeBytes(), 'bytes');
}

void main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
