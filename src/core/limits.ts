import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** `kernel-host`: the RAM of the machine a remote kernel runs on, from its usage_reply. */
export type LimitSource = 'override' | 'cgroup-v2' | 'cgroup-v1' | 'ram' | 'kernel-host';

export interface MemoryLimit {
  readonly bytes: number;
  readonly source: LimitSource;
  /** The cgroup directory whose limit applied, for messages and `memory.events`. */
  readonly cgroupDir?: string;
}

export interface LimitOptions {
  /** A user's override in bytes; wins when positive. */
  readonly overrideBytes?: number;
  readonly procRoot?: string;
  readonly cgroupRoot?: string;
  readonly totalMemoryBytes?: number;
}

/** cgroup v1 writes "no limit" as the largest page-aligned signed 64-bit value. */
const V1_UNLIMITED_FLOOR = 2 ** 62;

interface CgroupLine {
  readonly controllers: readonly string[];
  readonly path: string;
}

export function parseProcCgroup(text: string): CgroupLine[] {
  const lines: CgroupLine[] = [];
  for (const line of text.split('\n')) {
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second);
    lines.push({ controllers: controllers === '' ? [] : controllers.split(','), path: line.slice(second + 1) });
  }
  return lines;
}

function readNumberFile(file: string): number | 'max' | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1').trim();
  } catch {
    return undefined;
  }
  if (text === 'max') return 'max';
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The tightest limit on the way from the process's cgroup up to the hierarchy's root: limits
 * are hierarchical, so a parent's smaller limit applies to the child. Inside a container the
 * path in /proc/PID/cgroup may not exist under our mount (cgroup namespaces), so directories
 * that do not exist are skipped and the mount's root is always considered.
 */
function tightestLimit(mount: string, cgroupPath: string, fileName: string, isUnlimited: (v: number) => boolean): { bytes: number; dir: string } | undefined {
  let best: { bytes: number; dir: string } | undefined;
  let relative = path.posix.normalize(cgroupPath || '/');
  for (;;) {
    const dir = path.posix.join(mount, relative);
    const value = readNumberFile(path.posix.join(dir, fileName));
    if (typeof value === 'number' && !isUnlimited(value) && value > 0 && (!best || value < best.bytes)) {
      best = { bytes: value, dir };
    }
    if (relative === '/' || relative === '.') break;
    relative = path.posix.dirname(relative);
  }
  return best;
}

/** The memory ceiling of a process: override, else its cgroup (v2, then v1), else RAM, whichever is tightest. */
export function readMemoryLimit(pid: number, options: LimitOptions = {}): MemoryLimit {
  const ram = options.totalMemoryBytes ?? os.totalmem();
  if (options.overrideBytes !== undefined && options.overrideBytes > 0) {
    return { bytes: options.overrideBytes, source: 'override' };
  }
  const procRoot = options.procRoot ?? '/proc';
  const cgroupRoot = options.cgroupRoot ?? '/sys/fs/cgroup';
  let lines: CgroupLine[] = [];
  try {
    lines = parseProcCgroup(fs.readFileSync(`${procRoot}/${pid}/cgroup`, 'latin1'));
  } catch {
    // not Linux, or the process is gone: RAM is the ceiling
  }
  let found: MemoryLimit | undefined;
  const unified = lines.find((line) => line.controllers.length === 0);
  if (unified) {
    const limit = tightestLimit(cgroupRoot, unified.path, 'memory.max', () => false);
    if (limit) found = { bytes: limit.bytes, source: 'cgroup-v2', cgroupDir: limit.dir };
  }
  const v1 = lines.find((line) => line.controllers.includes('memory'));
  if (!found && v1) {
    const limit = tightestLimit(path.posix.join(cgroupRoot, 'memory'), v1.path, 'memory.limit_in_bytes', (v) => v >= V1_UNLIMITED_FLOOR);
    if (limit) found = { bytes: limit.bytes, source: 'cgroup-v1', cgroupDir: limit.dir };
  }
  if (found && found.bytes < ram) return found;
  return { bytes: ram, source: 'ram' };
}

/** The cgroup's count of OOM kills (v2 `memory.events` oom_kill, v1 `memory.oom_control` oom_kill). */
export function readOomKillCount(cgroupDir: string): number | undefined {
  for (const file of ['memory.events', 'memory.oom_control']) {
    try {
      const match = /^oom_kill (\d+)$/m.exec(fs.readFileSync(path.posix.join(cgroupDir, file), 'latin1'));
      if (match) return Number(match[1]);
    } catch {
      // not this version's file
    }
  }
  return undefined;
}

export function describeLimitSource(source: LimitSource): string {
  switch (source) {
    case 'override':
      return 'your setting';
    case 'cgroup-v2':
      return 'cgroup v2 memory.max';
    case 'cgroup-v1':
      return 'cgroup v1 memory.limit_in_bytes';
    case 'ram':
      return 'physical RAM';
    case 'kernel-host':
      return "the kernel host's RAM (usage_reply)";
  }
}
