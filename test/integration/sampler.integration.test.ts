import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildSync } from 'esbuild';
import { PidusageReader } from '../../src/core/pidusageReader';
import type { ProcessReader } from '../../src/core/processReader';
import { ProcfsReader, parseStat } from '../../src/core/procfsReader';
import { until } from '../support/wait';
import { ProcessNotFoundError, ProcessTreeSampler, type TreeExit, type TreeSample } from '../../src/core/sampler';

const PYTHON = '/usr/bin/python3';
const MB = 1024 * 1024;
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** Starts Python code; resolves once it printed "ready" (its allocations are done). */
function startPython(code: string): Promise<ChildProcess> {
  const child = spawn(PYTHON, ['-c', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (data: Buffer) => {
      if (data.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`python exited early (${code})`)));
  });
}

function collect(sampler: ProcessTreeSampler): { samples: TreeSample[]; exits: TreeExit[] } {
  const samples: TreeSample[] = [];
  const exits: TreeExit[] = [];
  sampler.onSample((sample) => samples.push(sample));
  sampler.onExit((exit) => exits.push(exit));
  return { samples, exits };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const readers: Array<[string, () => ProcessReader]> = [
  ['procfs', () => new ProcfsReader()],
  ['pidusage', () => new PidusageReader()],
];

for (const [name, makeReader] of readers) {
  describe(`process-tree sampler (${name} reader)`, () => {
    it('samples the RSS of a real Python process, and knows when it started', async () => {
      const spawnedAt = Date.now();
      const child = await startPython('import sys, time\nx = bytearray(150 * 1024 * 1024)\nprint("ready", flush=True)\ntime.sleep(30)');
      const sampler = new ProcessTreeSampler({ reader: makeReader() });
      const { samples } = collect(sampler);
      const tree = await sampler.watch(child.pid!, 'holder');
      assert.equal(tree.pid, child.pid);
      // ps's start time has whole seconds; /proc's ticks are 10 ms
      assert.ok(tree.startedAtMs !== undefined && Math.abs(tree.startedAtMs - spawnedAt) < 2000, `started at ${tree.startedAtMs}, spawned at ${spawnedAt}`);
      await sampler.tick();
      await sampler.tick();
      assert.equal(samples.length, 2);
      assert.ok(samples[0].rssBytes > 150 * MB, `${samples[0].rssBytes}`);
      assert.ok(samples[0].rssBytes < 250 * MB);
      sampler.dispose();
      child.kill();
    });

    it('sums children into their root and lists them apart', async () => {
      const code = [
        'import subprocess, sys, time',
        'hold = "import time; x = bytearray(80 * 1024 * 1024); print(1, flush=True); time.sleep(30)"',
        'kids = [subprocess.Popen([sys.executable, "-c", hold], stdout=subprocess.PIPE) for _ in range(2)]',
        'for k in kids: k.stdout.readline()',
        'print("ready", flush=True)',
        'time.sleep(30)',
      ].join('\n');
      const parent = await startPython(code);
      const sampler = new ProcessTreeSampler({ reader: makeReader() });
      const { samples } = collect(sampler);
      await sampler.watch(parent.pid!);
      await sampler.tick();
      const sample = samples[0];
      assert.equal(sample.children.length, 2);
      assert.ok(sample.children.every((c) => c.rssBytes > 80 * MB));
      assert.equal(sample.rssBytes, sample.selfBytes + sample.children.reduce((sum, c) => sum + c.rssBytes, 0));
      assert.ok(sample.children.every((c) => c.argv.join(' ').includes('bytearray')));
      sampler.dispose();
      parent.kill('SIGKILL');
      spawnSync('pkill', ['-f', 'bytearray\\(80']);
    });

    it('ends the series quietly when the process exits, with its last RSS', async () => {
      // the process lives until the test has seen it sampled: on a saturated machine a fixed
      // lifetime can end before three 50-ms ticks have run
      const child = await startPython('import time\nx = bytearray(60 * 1024 * 1024)\nprint("ready", flush=True)\ntime.sleep(120)');
      const sampler = new ProcessTreeSampler({ reader: makeReader(), intervalMs: 50 });
      const { samples, exits } = collect(sampler);
      const tree = await sampler.watch(child.pid!);
      sampler.start();
      await until('three samples, one above 60 MB', () => samples.length >= 3 && samples.some((sample) => sample.rssBytes > 60 * MB));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await until('the exit', () => exits.length > 0);
      sampler.dispose();
      assert.equal(exits.length, 1);
      assert.equal(exits[0].processKey, tree.processKey);
      assert.equal(exits[0].reason, 'exited');
      // the exit carries the last RSS sampled (the interpreter may have freed memory while exiting)
      assert.equal(exits[0].lastRssBytes, samples[samples.length - 1].rssBytes);
      assert.ok(exits[0].lastRssBytes > 0);
      assert.equal(sampler.watched().length, 0);
    });

    it('refuses a PID that does not exist with a clear error', async () => {
      const sampler = new ProcessTreeSampler({ reader: makeReader() });
      await assert.rejects(sampler.watch(999_999_999), ProcessNotFoundError);
      await assert.rejects(sampler.watch(-3), /No process with PID -3/);
      sampler.dispose();
    });

    it('survives 200 short-lived processes, with one exit each and no exception', { timeout: 60_000 }, async () => {
      const reader = makeReader();
      let scans = 0;
      const listProcesses = reader.listProcesses.bind(reader);
      reader.listProcesses = () => {
        scans++;
        return listProcesses();
      };
      const sampler = new ProcessTreeSampler({ reader, intervalMs: 50 });
      const { exits } = collect(sampler);
      const sleepers = Array.from({ length: 200 }, (_, i) => {
        const child = spawn('sleep', [String(0.3 + (i % 20) * 0.05)]);
        children.push(child);
        return child;
      });
      const watched = await Promise.allSettled(sleepers.map((child) => sampler.watch(child.pid!)));
      const live = watched.filter((result) => result.status === 'fulfilled').length;
      assert.ok(live >= 150, `only ${live} of 200 were still alive to watch`);
      let ticks = 0;
      const scansBefore = scans;
      while (sampler.watched().length > 0 && ticks < 200) {
        await sampler.tick();
        ticks++;
        await sleep(20);
      }
      assert.equal(sampler.watched().length, 0);
      assert.equal(new Set(exits.map((exit) => exit.processKey)).size, live);
      // the process table is scanned at most once a tick for all 200, not once per process
      assert.ok(scans - scansBefore <= ticks, `${scans - scansBefore} scans in ${ticks} ticks`);
      sampler.dispose();
    });
  });
}

describe('PID reuse (procfs reader on a prepared /proc tree)', () => {
  const root = mkdtempSync(join(tmpdir(), 'kmw-proc-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const writeProcess = (pid: number, ppid: number, startTime: number, rssPages: number): void => {
    mkdirSync(join(root, String(pid)), { recursive: true });
    writeFileSync(join(root, String(pid), 'stat'), `${pid} (python3) S ${ppid} 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${startTime} 1000 100\n`);
    writeFileSync(join(root, String(pid), 'statm'), `1000 ${rssPages} 10 1 0 50 0\n`);
    writeFileSync(join(root, String(pid), 'cmdline'), 'python3\0script.py\0');
  };

  it('treats a PID whose start time changed as a new process, never the same series', async () => {
    mkdirSync(join(root, 'self'), { recursive: true });
    writeFileSync(join(root, 'self', 'status'), 'VmSize:\t4000 kB\n');
    writeFileSync(join(root, 'self', 'statm'), '1000 10 0 0 0 0 0\n');
    writeProcess(4242, 1, 500, 2560);
    const sampler = new ProcessTreeSampler({ reader: new ProcfsReader(root), childScanIntervalMs: 0 });
    const { samples, exits } = collect(sampler);
    const first = await sampler.watch(4242);
    await sampler.tick();
    assert.equal(samples[0].rssBytes, 2560 * 4096);
    writeProcess(4242, 1, 900, 100); // the old process died; a new one got its PID
    await sampler.tick();
    assert.equal(exits.length, 1);
    assert.equal(exits[0].reason, 'reused');
    assert.equal(exits[0].processKey, first.processKey);
    assert.equal(samples.length, 1, 'no sample of the new process went into the old series');
    const second = await sampler.watch(4242);
    assert.notEqual(second.processKey, first.processKey);
    sampler.dispose();
  });

  it('parses stat lines whose command name has spaces and parentheses', () => {
    const stat = parseStat('77 (my (odd) name) S 12 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 31337 1 1\n');
    assert.deepEqual(stat, { comm: 'my (odd) name', state: 'S', ppid: 12, startTime: 31337 });
  });
});

describe('a process of another user that cannot be read', () => {
  it('is refused with a clear message, never an exception in the sampler', (t) => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'kmw-hidepid-'));
    // A private procfs with hidepid=2 hides other users' processes, as hardened hosts do.
    const mounted = spawnSync('mount', ['-t', 'proc', '-o', 'hidepid=2', 'proc', mountPoint]);
    if (mounted.status !== 0) {
      t.skip(`cannot mount a hidepid procfs here (${mounted.stderr.toString().trim()})`);
      return;
    }
    try {
      // The probe runs as nobody, who may not be able to read this checkout: bundle it into a
      // world-readable file first.
      const probeDir = mkdtempSync(join(tmpdir(), 'kmw-probe-'));
      chmodSync(probeDir, 0o755);
      const probe = join(probeDir, 'probe.js');
      buildSync({
        stdin: {
          contents: [
            `import { ProcessTreeSampler } from './src/core/sampler';`,
            `import { ProcfsReader } from './src/core/procfsReader';`,
            `const sampler = new ProcessTreeSampler({ reader: new ProcfsReader(${JSON.stringify(mountPoint)}) });`,
            `sampler.watch(${process.pid}).then(() => console.log('watched'), (e) => console.log(e.name + ': ' + e.message));`,
          ].join('\n'),
          resolveDir: process.cwd(),
          loader: 'ts',
        },
        bundle: true,
        platform: 'node',
        outfile: probe,
        logLevel: 'error',
      });
      chmodSync(probe, 0o644);
      const result = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, probe], { encoding: 'utf8' });
      rmSync(probeDir, { recursive: true, force: true });
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /ProcessNotFoundError: No process with PID \d+ \(it has exited, or it is not visible to this user\)/);
    } finally {
      spawnSync('umount', [mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });
});
