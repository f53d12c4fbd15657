// A process tree's memory counted once (PSS), on real Python process pools: the sampler's tree
// figure against smaps_rollup read directly, a fork pool, a spawn pool, children that come and go.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { descendantsOf } from '../../src/core/processReader';
import { ProcfsReader, parseSmapsRollup } from '../../src/core/procfsReader';
import { ProcessTreeSampler, type TreeSample } from '../../src/core/sampler';
import { until } from '../support/wait';

const PYTHON = '/usr/bin/python3';
const MB = 1024 * 1024;
const started: ChildProcess[] = [];
const scriptDir = mkdtempSync(join(tmpdir(), 'kmw-pss-'));
after(() => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(scriptDir, { recursive: true, force: true });
});

// A pool of 4 workers after the parent filled a buffer; workers sit idle holding it (fork) or
// fill their own (spawn). Functions live in a file, as spawn needs to import them.
const POOL_PY = `
import multiprocessing as mp, sys, time
MB = 1024 * 1024
def fill(mb):
    global own
    own = bytearray(b'\\x01') * (mb * MB)
def ping(_):
    return 1
if __name__ == '__main__':
    method, parent_mb, worker_mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    held = bytearray(b'\\x01') * (parent_mb * MB)
    ctx = mp.get_context(method)
    pool = ctx.Pool(4, initializer=fill if worker_mb else None, initargs=(worker_mb,) if worker_mb else ())
    pool.map(ping, range(16))
    print('ready', flush=True)
    sys.stdin.readline()
    pool.terminate()
`;

// A parent holding a buffer whose forked children come and go on command (stdin), so each
// phase is a condition to wait for, not a time.
const CHURN_PY = `
import multiprocessing as mp, os, sys, time
MB = 1024 * 1024
def idle():
    time.sleep(600)
def brief():
    time.sleep(0.05)
if __name__ == '__main__':
    ctx = mp.get_context('fork')
    held = bytearray(b'\\x01') * (200 * MB)
    kids = []
    print('ready', flush=True)
    for line in sys.stdin:
        cmd, n = line.split()
        n = int(n)
        if cmd == 'add':
            for _ in range(n):
                p = ctx.Process(target=idle, daemon=True); p.start(); kids.append(p)
        elif cmd == 'end':
            for p in kids[:n]:
                p.kill(); p.join()
            kids = kids[n:]
        elif cmd == 'churn':
            for _ in range(n):
                p = ctx.Process(target=brief); p.start(); p.join()
        print('done', cmd, flush=True)
`;

before(() => {
  writeFileSync(join(scriptDir, 'pool.py'), POOL_PY);
  writeFileSync(join(scriptDir, 'churn.py'), CHURN_PY);
});

interface Script {
  readonly child: ChildProcess;
  /** Resolves at the next stdout line containing `word`. */
  next(word: string): Promise<void>;
  send(line: string): void;
}

function startScript(name: string, args: string[]): Promise<Script> {
  const child = spawn(PYTHON, [join(scriptDir, name), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  started.push(child);
  let buffered = '';
  const waiters: Array<{ word: string; resolve: () => void }> = [];
  child.stdout.on('data', (data: Buffer) => {
    buffered += data.toString();
    for (const waiter of [...waiters]) {
      const at = buffered.indexOf(waiter.word);
      if (at < 0) continue;
      buffered = buffered.slice(at + waiter.word.length);
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  const script: Script = {
    child,
    next: (word) =>
      new Promise((resolve, reject) => {
        waiters.push({ word, resolve });
        child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before "${word}"`)));
      }),
    send: (line) => child.stdin.write(line + '\n'),
  };
  return script.next('ready').then(() => script);
}

/** Ends a script through its stdin (it terminates its own workers), then kills by PID whatever is left. */
async function stop(script: Script): Promise<void> {
  const pid = script.child.pid!;
  const tree = [pid, ...descendantsOf(pid, new ProcfsReader().listProcessesSync()).map((proc) => proc.pid)];
  if (script.child.exitCode === null) {
    const exited = new Promise<void>((resolve) => script.child.once('exit', () => resolve()));
    script.child.stdin!.end();
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
  }
  for (const leftover of tree) {
    try {
      process.kill(leftover, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Summed Pss of these processes read straight from smaps_rollup, and summed RssFile + RssShmem. */
function direct(pids: readonly number[]): { pss: number; fileAndShmem: number } {
  let pss = 0;
  let fileAndShmem = 0;
  for (const pid of pids) {
    try {
      pss += parseSmapsRollup(readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1'))?.pssBytes ?? 0;
      const status = readFileSync(`/proc/${pid}/status`, 'latin1');
      for (const key of ['RssFile', 'RssShmem']) fileAndShmem += Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    } catch {
      // exited meanwhile: it holds nothing
    }
  }
  return { pss, fileAndShmem };
}

const pidsOf = (sample: TreeSample): number[] => [sample.pid, ...sample.children.map((child) => child.pid)];
const describeSample = (s: TreeSample): string =>
  `${s.measure} ${Math.round(s.memoryBytes / MB)} MB, RSS ${Math.round(s.rssBytes / MB)} MB, ${s.children.length} children ${s.measureNote ?? ''}`;

/** Ticks a sampler on the real clock until a sample satisfies `test`. */
async function sampleUntil(sampler: ProcessTreeSampler, what: string, test: (sample: TreeSample) => boolean, timeoutMs = 60_000): Promise<TreeSample> {
  let last: TreeSample | undefined;
  const off = sampler.onSample((sample) => (last = sample));
  try {
    return await until(what, async () => {
      await sampler.tick();
      return last && test(last) ? last : undefined;
    }, timeoutMs, 100);
  } catch (error) {
    throw new Error(`${(error as Error).message}; last sample: ${last ? describeSample(last) : 'none'}`);
  } finally {
    off.dispose();
  }
}

const hasRollup = existsSync('/proc/self/smaps_rollup');

describe('tree memory counted once (PSS)', { skip: hasRollup ? false : 'no /proc/self/smaps_rollup on this kernel' }, () => {
  it('a fork pool after a 400 MB allocation reads within 15 % of the summed PSS, not the summed RSS', { timeout: 120_000 }, async () => {
    const script = await startScript('pool.py', ['fork', '400', '0']);
    const sampler = new ProcessTreeSampler({ reader: new ProcfsReader() });
    try {
      await sampler.watch(script.child.pid!, 'fork pool');
      const sample = await sampleUntil(sampler, 'four forked workers measured by PSS', (s) => s.children.length >= 4 && s.measure === 'pss');
      // several fast ticks after the share was read: each one against smaps_rollup read now
      for (let i = 0; i < 6; i++) {
        const now = await sampleUntil(sampler, 'a sample', () => true);
        const { pss } = direct(pidsOf(now));
        assert.ok(Math.abs(now.memoryBytes - pss) <= 0.15 * pss, `tree figure ${describeSample(now)} against summed PSS ${Math.round(pss / MB)} MB`);
      }
      assert.ok(sample.memoryBytes >= 400 * MB, describeSample(sample));
      // the shared buffer counted once, where summed RSS counts it in every worker
      assert.ok(sample.rssBytes > 3 * sample.memoryBytes, describeSample(sample));
      assert.ok(sample.children.every((child) => child.pssBytes !== undefined && child.pssBytes < child.rssBytes / 2), 'each worker owns only a share of what it maps');
    } finally {
      sampler.dispose();
      await stop(script);
    }
  });

  it('a spawn pool shares no data: its PSS is its RSS but for shared library pages', { timeout: 120_000 }, async () => {
    const script = await startScript('pool.py', ['spawn', '300', '50']);
    const sampler = new ProcessTreeSampler({ reader: new ProcfsReader() });
    try {
      await sampler.watch(script.child.pid!, 'spawn pool');
      // spawn's resource tracker is a child too: wait for the 4 workers holding their 50 MB
      const sample = await sampleUntil(
        sampler,
        'four spawned workers holding their own 50 MB',
        (s) => s.measure === 'pss' && s.children.filter((child) => child.rssBytes > 50 * MB).length >= 4,
      );
      const { pss, fileAndShmem } = direct(pidsOf(sample));
      // Without fork nothing anonymous is shared: RSS and PSS differ only by file-backed and
      // shmem pages (the interpreter, libc) that other processes map too, which is at most
      // these processes' RssFile + RssShmem. 4 MB of slack for statm's per-thread counter lag.
      assert.ok(sample.rssBytes - sample.memoryBytes <= fileAndShmem + 4 * MB, `${describeSample(sample)}, RssFile+RssShmem ${Math.round(fileAndShmem / MB)} MB`);
      assert.ok(sample.memoryBytes >= 500 * MB, describeSample(sample));
      assert.ok(Math.abs(sample.memoryBytes - pss) <= 0.15 * pss, `${describeSample(sample)} against summed PSS ${Math.round(pss / MB)} MB`);
    } finally {
      sampler.dispose();
      await stop(script);
    }
  });

  it('follows children that come and go, lists none that left, survives one exiting mid-read', { timeout: 180_000 }, async () => {
    const script = await startScript('churn.py', []);
    const reader = new ProcfsReader();
    // The race made certain: a child is killed just before its smaps_rollup is read.
    let victim: number | undefined;
    let killedMidRead = false;
    const rollup = reader.rollup.bind(reader);
    reader.rollup = async (pid) => {
      if (pid === victim) {
        process.kill(pid, 'SIGKILL');
        killedMidRead = true;
        await until(`PID ${pid} to die`, () => !/^State:\s+[RSD]/m.test(readStatus(pid)), 10_000, 20);
      }
      return rollup(pid);
    };
    const sampler = new ProcessTreeSampler({ reader, childScanIntervalMs: 200 });
    const root = script.child.pid!;
    const withinPss = (s: TreeSample): boolean => {
      const { pss } = direct(pidsOf(s));
      return Math.abs(s.memoryBytes - pss) <= 0.15 * pss;
    };
    try {
      await sampler.watch(root, 'churn');
      const alone = await sampleUntil(sampler, 'the parent alone, by RSS', (s) => s.children.length === 0 && s.memoryBytes > 200 * MB);
      assert.equal(alone.measure, 'rss');
      assert.equal(alone.memoryBytes, alone.rssBytes);

      script.send('add 3');
      await script.next('done add');
      await sampleUntil(sampler, 'three children by PSS', (s) => s.children.length === 3 && s.measure === 'pss' && withinPss(s));

      script.send('end 2');
      await script.next('done end');
      const after = await sampleUntil(sampler, 'one child left', (s) => s.children.length === 1 && withinPss(s));
      assert.ok(after.children.every((child) => existsSync(`/proc/${child.pid}`)), 'no child that left is listed');

      script.send('churn 40'); // 40 children that live 50 ms each, one after another
      await script.next('done churn');
      const settled = await sampleUntil(sampler, 'the churn gone from the figure', (s) => s.children.length === 1 && withinPss(s));
      assert.equal(settled.measure, 'pss');

      script.send('add 2');
      await script.next('done add');
      const three = await sampleUntil(sampler, 'three children again', (s) => s.children.length === 3 && s.measure === 'pss');
      // the next full refresh reads every member: one dies just before its read; the shares of
      // the others then move, and the figure follows at the next refresh (≤ 1 s later)
      victim = three.children[2].pid;
      const survived = await sampleUntil(sampler, 'the killed child left out', (s) => victim !== undefined && !pidsOf(s).includes(victim) && s.measure === 'pss' && withinPss(s), 30_000);
      assert.ok(killedMidRead, 'the child was killed between the statm read and its smaps_rollup read');
      assert.ok(sampler.watched().length === 1, 'the tree is still watched');
      assert.ok(survived.memoryBytes > 200 * MB, describeSample(survived));
    } finally {
      sampler.dispose();
      await stop(script);
    }
  });
});

function readStatus(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return '';
  }
}
