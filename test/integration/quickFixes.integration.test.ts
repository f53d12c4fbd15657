// The quick fixes work for real: applied by `kernel-memory-watch fix` to the cause workloads,
// which then run under `kernel-memory-watch run`; and the inserted helper never raises.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { trimHelperLines } from '../../src/python/preamble';
import { parseTrace } from '../../src/core/trace';

const dir = mkdtempSync(join(tmpdir(), 'kmw-fixes-'));
after(() => rmSync(dir, { recursive: true, force: true }));
for (const name of ['_common.py', 'cycle_garbage.py', 'allocator_retention.py']) copyFileSync(join('test/workloads', name), join(dir, name));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['dist/cli.js', ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function lineOf(file: string, text: string): number {
  return readFileSync(file, 'utf8').split('\n').findIndex((line) => line.includes(text)) + 1;
}

/** Lowest RSS over the last third of the run, before the interpreter tears down. */
function finalTrough(trace: string): number {
  const points = parseTrace(readFileSync(trace, 'utf8'));
  const end = points[points.length - 1].t;
  const tail = points.filter((p) => p.t >= end * 0.6 && p.t <= end * 0.95);
  return Math.min(...tail.map((p) => p.rss));
}

const MB = 1024 * 1024;

describe('quick fixes on the real cause workloads', { concurrency: 2 }, () => {
  it('the collect fix cuts the cyclic-garbage peak by 5x or more', { timeout: 180_000 }, async () => {
    const original = join(dir, 'cycle_garbage.py');
    const fixed = join(dir, 'cycle_fixed.py');
    const edit = await cli(['fix', original, '--line', String(lineOf(original, 'holder.frame.xs(1000)')), '--kind', 'collect']);
    assert.equal(edit.code, 0, edit.stderr);
    writeFileSync(fixed, edit.stdout);
    assert.match(edit.stdout, /^import gc$/m);
    const args = ['--iterations', '50', '--records', '0', '--sleep', '0.02'];
    const before = JSON.parse((await cli(['run', '--json', '--interval', '100', '--', '/usr/bin/python3', original, ...args])).stdout);
    const after = JSON.parse((await cli(['run', '--json', '--interval', '100', '--', '/usr/bin/python3', fixed, ...args])).stdout);
    console.log(`  cycle: peak ${(before.peakBytes / MB).toFixed(0)} MB -> ${(after.peakBytes / MB).toFixed(0)} MB with gc.collect()`);
    assert.ok(before.peakBytes >= 5 * after.peakBytes, `${before.peakBytes} vs ${after.peakBytes}`);
    assert.equal(after.alarmed, false);
  });

  it('the trim fix cuts the allocator-retention final trough by 2x or more', { timeout: 180_000 }, async () => {
    const original = join(dir, 'allocator_retention.py');
    const fixed = join(dir, 'retention_fixed.py');
    const edit = await cli(['fix', original, '--line', String(lineOf(original, 'kept.extend(')), '--kind', 'trim']);
    assert.equal(edit.code, 0, edit.stderr);
    writeFileSync(fixed, edit.stdout);
    const plain = join(dir, 'plain.csv');
    const trimmed = join(dir, 'trimmed.csv');
    await cli(['run', '--interval', '100', '--record', plain, '--', '/usr/bin/python3', original]);
    await cli(['run', '--interval', '100', '--record', trimmed, '--', '/usr/bin/python3', fixed]);
    const before = finalTrough(plain);
    const afterTrim = finalTrough(trimmed);
    console.log(`  retention: final trough ${(before / MB).toFixed(0)} MB -> ${(afterTrim / MB).toFixed(0)} MB with malloc_trim`);
    assert.ok(before >= 2 * afterTrim, `${before} vs ${afterTrim}`);
  });
});

describe('the inserted trim helper never raises', () => {
  const helper = trimHelperLines('    ').join('\n');
  const run = (prelude: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } => {
    const script = `${prelude}\n${helper}\nfor _ in range(3):\n    _kmw_malloc_trim()\nprint("ok", globals().get("_kmw_trim") is not None)\n`;
    const result = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', env: { ...process.env, ...env } });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it('trims on glibc, loading libc once', () => {
    const result = run('import ctypes\n_real = ctypes.CDLL\ncalls = []\nclass Counting(_real):\n    def __init__(self, *a, **k):\n        calls.append(a[0])\n        super().__init__(*a, **k)\nctypes.CDLL = Counting\nimport atexit\natexit.register(lambda: print("loads", len(calls)))');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /ok True/);
    assert.match(result.stdout, /loads 1/);
  });

  it('does nothing, without raising, under jemalloc (LD_PRELOAD)', (t) => {
    const jemalloc = '/usr/lib/x86_64-linux-gnu/libjemalloc.so.2';
    if (spawnSync('test', ['-e', jemalloc]).status !== 0) return t.skip('libjemalloc2 is not installed');
    const result = run('', { LD_PRELOAD: jemalloc });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /ok/);
  });

  it('does nothing when libc.so.6 cannot be loaded (macOS, Windows, musl)', () => {
    const result = run('import ctypes\ndef refuse(*a, **k):\n    raise OSError("libc.so.6: cannot open shared object file")\nctypes.CDLL = refuse');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /ok False/);
  });

  it('does nothing when the C library has no malloc_trim', () => {
    const result = run('import ctypes\nclass NoTrim:\n    def __init__(self, *a, **k): pass\nctypes.CDLL = NoTrim');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /ok False/);
  });
});
