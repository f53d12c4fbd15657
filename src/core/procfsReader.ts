import * as fs from 'node:fs';
import type { MemoryDetail, ProcessIdentity, ProcessInfo, ProcessReader, RollupReading } from './processReader';

const KIB = 1024;
const DEFAULT_PAGE_SIZE = 4096;

/**
 * Reads /proc directly. The hot path keeps `/proc/PID/statm` open and re-reads it with
 * pread at offset 0: the kernel regenerates the text on every read, and a descriptor opened
 * on a process that has since exited fails with ESRCH even if the PID was reused, so a
 * reused PID can never be read through an old descriptor.
 */
export class ProcfsReader implements ProcessReader {
  readonly kind = 'procfs' as const;
  private readonly statmFds = new Map<number, number>();
  private readonly buffer = Buffer.alloc(256);
  /** The last scan, by PID. */
  private known = new Map<number, KnownProcess>();
  readonly pageSize: number;
  /** smaps_rollup came with Linux 4.14; older kernels only have the full smaps (far dearer). */
  readonly hasRollup: boolean;

  private bootTimeMs: number | null | undefined;

  constructor(private readonly procRoot = '/proc') {
    this.pageSize = detectPageSize(procRoot);
    this.hasRollup = fs.existsSync(`${procRoot}/self/smaps_rollup`);
  }

  static isAvailable(procRoot = '/proc'): boolean {
    try {
      fs.accessSync(`${procRoot}/self/statm`, fs.constants.R_OK);
      return true;
    } catch {
      return false;
    }
  }

  rssSync(pid: number): number | undefined {
    let fd = this.statmFds.get(pid);
    try {
      if (fd === undefined) {
        fd = fs.openSync(`${this.procRoot}/${pid}/statm`, 'r');
        this.statmFds.set(pid, fd);
      }
      const length = fs.readSync(fd, this.buffer, 0, this.buffer.length, 0);
      const pages = parseStatmPages(this.buffer, length);
      return pages === undefined ? undefined : pages * this.pageSize;
    } catch {
      this.forget(pid);
      return undefined;
    }
  }

  async rss(pid: number): Promise<number | undefined> {
    return this.rssSync(pid);
  }

  async rssMany(pids: readonly number[]): Promise<Map<number, number>> {
    const result = new Map<number, number>();
    for (const pid of pids) {
      const rss = this.rssSync(pid);
      if (rss !== undefined) result.set(pid, rss);
    }
    return result;
  }

  /** Closes the cached descriptor of a process the caller no longer samples. */
  forget(pid: number): void {
    const fd = this.statmFds.get(pid);
    if (fd === undefined) return;
    this.statmFds.delete(pid);
    try {
      fs.closeSync(fd);
    } catch {
      // already closed: nothing to release
    }
  }

  dispose(): void {
    for (const pid of [...this.statmFds.keys()]) this.forget(pid);
  }

  /**
   * Boot time (/proc/stat's btime) plus the start in clock ticks: USER_HZ, the unit of
   * /proc/PID/stat's starttime, is 100 on every Linux architecture that runs VS Code.
   */
  startedAtMs(identity: ProcessIdentity): number | undefined {
    this.bootTimeMs ??= readBootTimeMs(this.procRoot);
    return this.bootTimeMs === null ? undefined : this.bootTimeMs + identity.startTime * 10;
  }

  identitySync(pid: number): ProcessIdentity | undefined {
    const stat = readStat(this.procRoot, pid);
    return stat && { pid, startTime: stat.startTime };
  }

  async identity(pid: number): Promise<ProcessIdentity | undefined> {
    return this.identitySync(pid);
  }

  async listProcesses(refresh?: ReadonlySet<number>): Promise<ProcessInfo[]> {
    return this.listProcessesSync(refresh);
  }

  /**
   * The process table, read incrementally: /proc/PID/stat costs the kernel ≈25 µs to generate,
   * so a PID already seen is taken from the last scan unless it is in `refresh` (watched roots,
   * whose start time must be checked for reuse), its parent has gone (it was re-parented), or it
   * was new last time (a fork is often followed at once by exec, which changes its name).
   */
  listProcessesSync(refresh?: ReadonlySet<number>): ProcessInfo[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.procRoot);
    } catch {
      return [];
    }
    const previous = this.known;
    const known = new Map<number, KnownProcess>();
    const pids: number[] = [];
    for (const name of names) {
      const code = name.charCodeAt(0);
      if (code >= 48 && code <= 57) pids.push(Number(name)); // PID directories only
    }
    const present = new Set(pids);
    for (const pid of pids) {
      const cached = previous.get(pid);
      const fresh = cached && !cached.isNew && !refresh?.has(pid) && (cached.info.ppid <= 1 || present.has(cached.info.ppid));
      if (fresh) {
        known.set(pid, { ...cached, isNew: false });
        continue;
      }
      const stat = readStat(this.procRoot, pid);
      if (!stat) continue;
      const sameProcess = cached && cached.info.startTime === stat.startTime && cached.comm === stat.comm && cached.info.argv.length > 0;
      // An empty command line may be a process still exec'ing: read it again next time.
      const argv = sameProcess ? cached.info.argv : readCmdline(this.procRoot, pid);
      known.set(pid, { info: { pid, ppid: stat.ppid, startTime: stat.startTime, argv }, comm: stat.comm, isNew: !cached });
    }
    this.known = known;
    return [...known.values()].map((entry) => entry.info);
  }

  async rollup(pid: number): Promise<RollupReading> {
    return this.rollupSync(pid);
  }

  /** The kernel walks every mapping to write this (≈3 ms for 500 MB): a slow-cadence read. */
  rollupSync(pid: number): RollupReading {
    if (!this.hasRollup) return 'unsupported';
    let text: string;
    try {
      text = fs.readFileSync(`${this.procRoot}/${pid}/smaps_rollup`, 'latin1');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT' || code === 'ESRCH' ? 'gone' : 'unreadable';
    }
    // A zombie (exited, not yet reaped) has no address space left: the file is empty.
    return parseSmapsRollup(text) ?? 'gone';
  }

  async detail(pid: number): Promise<MemoryDetail | undefined> {
    let text: string;
    try {
      text = fs.readFileSync(`${this.procRoot}/${pid}/status`, 'latin1');
    } catch {
      return undefined;
    }
    return parseStatusDetail(text);
  }
}

/**
 * statm counts pages, and arm64 kernels may use 16 or 64 KiB pages: compare our own statm
 * with the kB figure of /proc/self/status once, rounding to a power of two.
 */
export function detectPageSize(procRoot = '/proc'): number {
  try {
    const status = fs.readFileSync(`${procRoot}/self/status`, 'latin1');
    const statm = fs.readFileSync(`${procRoot}/self/statm`, 'latin1').split(' ');
    const vmSizeKib = Number(/^VmSize:\s+(\d+) kB/m.exec(status)?.[1]);
    const sizePages = Number(statm[0]);
    if (!(vmSizeKib > 0 && sizePages > 0)) return DEFAULT_PAGE_SIZE;
    const ratio = (vmSizeKib * KIB) / sizePages;
    return 2 ** Math.round(Math.log2(ratio));
  } catch {
    return DEFAULT_PAGE_SIZE;
  }
}

/** Field 2 of statm (resident pages) without allocating a string. */
export function parseStatmPages(buffer: Uint8Array, length: number): number | undefined {
  let i = 0;
  while (i < length && buffer[i] !== 32) i++; // skip "size"
  i++;
  let pages = 0;
  let digits = 0;
  for (; i < length; i++) {
    const c = buffer[i];
    if (c < 48 || c > 57) break;
    pages = pages * 10 + (c - 48);
    digits++;
  }
  return digits > 0 ? pages : undefined;
}

interface KnownProcess {
  readonly info: ProcessInfo;
  readonly comm: string;
  readonly isNew: boolean;
}

interface StatFields {
  comm: string;
  ppid: number;
  startTime: number;
  state: string;
}

/** /proc/PID/stat: the command name is in parentheses and may itself contain ") ". */
export function parseStat(text: string): StatFields | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state); ppid is field 4, starttime field 22.
  const ppid = Number(fields[1]);
  const startTime = Number(fields[19]);
  if (!Number.isFinite(ppid) || !Number.isFinite(startTime)) return undefined;
  return { comm: text.slice(text.indexOf('(') + 1, close), state: fields[0], ppid, startTime };
}

const statBuffer = Buffer.alloc(1024);

/**
 * open + one read + close into a shared buffer: a scan reads this for every process on the
 * machine, and readFileSync's fstat and growing reads cost about four times as much.
 */
function readStat(procRoot: string, pid: number): StatFields | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(`${procRoot}/${pid}/stat`, 'r');
    const length = fs.readSync(fd, statBuffer, 0, statBuffer.length, 0);
    return parseStat(statBuffer.toString('latin1', 0, length));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function readCmdline(procRoot: string, pid: number): string[] {
  try {
    const raw = fs.readFileSync(`${procRoot}/${pid}/cmdline`, 'utf8');
    const argv = raw.split('\0');
    if (argv[argv.length - 1] === '') argv.pop();
    return argv;
  } catch {
    return [];
  }
}

/** `Rss:` and `Pss:` of /proc/PID/smaps_rollup (kB), or undefined when either is missing. */
export function parseSmapsRollup(text: string): { rssBytes: number; pssBytes: number } | undefined {
  const rss = /^Rss:\s+(\d+) kB/m.exec(text);
  const pss = /^Pss:\s+(\d+) kB/m.exec(text);
  if (!rss || !pss) return undefined;
  return { rssBytes: Number(rss[1]) * KIB, pssBytes: Number(pss[1]) * KIB };
}

export function parseStatusDetail(text: string): MemoryDetail {
  const kib = (key: string): number => {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Number(match[1]) * KIB : 0;
  };
  return {
    rssAnonBytes: kib('RssAnon'),
    rssFileBytes: kib('RssFile'),
    rssShmemBytes: kib('RssShmem'),
    swapBytes: kib('VmSwap'),
  };
}

/** The boot time in ms since the epoch, from /proc/stat; null when it cannot be read. */
function readBootTimeMs(procRoot: string): number | null {
  try {
    const match = /^btime (\d+)$/m.exec(fs.readFileSync(`${procRoot}/stat`, 'latin1'));
    return match ? Number(match[1]) * 1000 : null;
  } catch {
    return null;
  }
}
