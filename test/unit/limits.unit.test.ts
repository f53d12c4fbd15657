import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseProcCgroup, readMemoryLimit, readOomKillCount } from '../../src/core/limits';

const GB = 1024 ** 3;
const root = mkdtempSync(join(tmpdir(), 'kmw-limits-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A fake /proc and /sys/fs/cgroup: the layouts the kernel uses, with our own numbers. */
function machine(name: string, procCgroup: string, files: Record<string, string>): { procRoot: string; cgroupRoot: string } {
  const base = join(root, name);
  const procRoot = join(base, 'proc');
  const cgroupRoot = join(base, 'cgroup');
  mkdirSync(join(procRoot, '42'), { recursive: true });
  writeFileSync(join(procRoot, '42', 'cgroup'), procCgroup);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(cgroupRoot, path, '..'), { recursive: true });
    writeFileSync(join(cgroupRoot, path), text);
  }
  return { procRoot, cgroupRoot };
}

describe('memory limits', () => {
  it('parses /proc/PID/cgroup for v1 and v2', () => {
    const lines = parseProcCgroup('12:memory:/docker/abc\n4:cpu,cpuacct:/x\n0::/user.slice/session\n');
    assert.deepEqual(lines[0], { controllers: ['memory'], path: '/docker/abc' });
    assert.deepEqual(lines[1].controllers, ['cpu', 'cpuacct']);
    assert.deepEqual(lines[2], { controllers: [], path: '/user.slice/session' });
  });

  it('cgroup v2 memory.max, the tightest on the way up', () => {
    const paths = machine('v2', '0::/app/kernel\n', {
      'app/memory.max': String(12 * GB),
      'app/kernel/memory.max': 'max',
      'memory.max': 'max',
    });
    const limit = readMemoryLimit(42, { ...paths, totalMemoryBytes: 64 * GB });
    assert.equal(limit.bytes, 12 * GB);
    assert.equal(limit.source, 'cgroup-v2');
    assert.match(limit.cgroupDir!, /app$/);
  });

  it('"max" everywhere means RAM', () => {
    const paths = machine('v2max', '0::/a\n', { 'a/memory.max': 'max' });
    assert.deepEqual(readMemoryLimit(42, { ...paths, totalMemoryBytes: 8 * GB }), { bytes: 8 * GB, source: 'ram' });
  });

  it('cgroup v1 memory.limit_in_bytes, with its "unlimited" sentinel ignored', () => {
    const paths = machine('v1', '9:memory:/job\n0::/\n', {
      'memory/job/memory.limit_in_bytes': String(3 * GB),
      'memory/memory.limit_in_bytes': '9223372036854771712',
    });
    const limit = readMemoryLimit(42, { ...paths, totalMemoryBytes: 16 * GB });
    assert.equal(limit.source, 'cgroup-v1');
    assert.equal(limit.bytes, 3 * GB);
    const unlimited = machine('v1u', '9:memory:/\n', { 'memory/memory.limit_in_bytes': '9223372036854771712' });
    assert.equal(readMemoryLimit(42, { ...unlimited, totalMemoryBytes: 16 * GB }).source, 'ram');
  });

  it('a cgroup path missing under the mount (a cgroup namespace) falls back to the mount root', () => {
    const paths = machine('ns', '0::/not/here\n', { 'memory.max': String(2 * GB) });
    assert.equal(readMemoryLimit(42, { ...paths, totalMemoryBytes: 16 * GB }).bytes, 2 * GB);
  });

  it('a limit above RAM reports RAM; an override wins', () => {
    const paths = machine('big', '0::/a\n', { 'a/memory.max': String(100 * GB) });
    assert.equal(readMemoryLimit(42, { ...paths, totalMemoryBytes: 16 * GB }).source, 'ram');
    assert.deepEqual(readMemoryLimit(42, { ...paths, overrideBytes: 5 * GB }), { bytes: 5 * GB, source: 'override' });
  });

  it('a dead PID gets RAM, never an exception', () => {
    const limit = readMemoryLimit(999_999_999);
    assert.equal(limit.source, 'ram');
    assert.ok(limit.bytes > 0);
  });

  it('reads this machine for this process', () => {
    const limit = readMemoryLimit(process.pid);
    assert.ok(['cgroup-v1', 'cgroup-v2', 'ram'].includes(limit.source));
    assert.ok(limit.bytes > 0);
  });

  it('reads the OOM-kill counter of v2 and v1', () => {
    const v2 = machine('oom2', '0::/a\n', { 'a/memory.events': 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 2\n' });
    assert.equal(readOomKillCount(join(v2.cgroupRoot, 'a')), 2);
    const v1 = machine('oom1', '9:memory:/b\n', { 'memory/b/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 5\n' });
    assert.equal(readOomKillCount(join(v1.cgroupRoot, 'memory/b')), 5);
    assert.equal(readOomKillCount(join(root, 'nowhere')), undefined);
  });
});
