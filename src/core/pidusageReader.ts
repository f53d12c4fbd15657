import { execFile } from 'node:child_process';
import pidusage from 'pidusage';
import type { MemoryDetail, ProcessIdentity, ProcessInfo, ProcessReader, RollupReading } from './processReader';

/**
 * The fallback where /proc is missing (macOS, Windows): pidusage for RSS and start time,
 * `ps` (POSIX) or PowerShell's CIM (Windows) for the process table, which pidusage does not
 * give. ≈1 ms a process, so the sampler only uses it where it must.
 */
export class PidusageReader implements ProcessReader {
  readonly kind = 'pidusage' as const;

  async rss(pid: number): Promise<number | undefined> {
    try {
      const stat = await pidusage(pid);
      return stat.memory;
    } catch {
      return undefined;
    }
  }

  async rssMany(pids: readonly number[]): Promise<Map<number, number>> {
    const result = new Map<number, number>();
    if (pids.length === 0) return result;
    // One batched call; a dead PID in the batch makes pidusage reject the whole batch,
    // so fall back to one call each only then.
    try {
      const stats = await pidusage([...pids]);
      for (const pid of pids) {
        const stat = stats[String(pid)];
        if (stat) result.set(pid, stat.memory);
      }
      return result;
    } catch {
      for (const pid of pids) {
        const rss = await this.rss(pid);
        if (rss !== undefined) result.set(pid, rss);
      }
      return result;
    }
  }

  /**
   * From the same process table as `listProcesses`, so the start times compare exactly (a start
   * time derived from pidusage's elapsed time would jitter and look like PID reuse). Called only
   * when a process is first watched.
   */
  async identity(pid: number): Promise<ProcessIdentity | undefined> {
    const found = (await this.listProcesses()).find((proc) => proc.pid === pid);
    return found && { pid, startTime: found.startTime };
  }

  /** `ps`'s lstart is already a date (whole seconds); Windows' start times are not used. */
  startedAtMs(identity: ProcessIdentity): number | undefined {
    return process.platform !== 'win32' && identity.startTime > 0 ? identity.startTime : undefined;
  }

  async listProcesses(): Promise<ProcessInfo[]> {
    return process.platform === 'win32' ? listWindowsProcesses() : listPosixProcesses();
  }

  async detail(): Promise<MemoryDetail | undefined> {
    return undefined;
  }

  /** pidusage gives RSS only; a tree is then measured by its summed RSS (the sampler says so). */
  async rollup(): Promise<RollupReading> {
    return 'unsupported';
  }

  dispose(): void {
    pidusage.clear();
  }
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(command, args, { maxBuffer: 32 * 1024 * 1024, windowsHide: true }, (error, stdout) => {
      resolve(error ? '' : stdout);
    });
  });
}

/** `ps -A -o pid=,ppid=,lstart=,args=` works on macOS, the BSDs and Linux without /proc mounted. */
export function parsePsOutput(text: string): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const line of text.split('\n')) {
    // pid ppid then lstart (5 words: "Mon Nov 24 04:02:55 2026") then args
    const match = /^\s*(\d+)\s+(\d+)\s+(\w+\s+\w+\s+\d+\s+[\d:]+\s+\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const startTime = Date.parse(match[3]);
    processes.push({
      pid: Number(match[1]),
      ppid: Number(match[2]),
      startTime: Number.isFinite(startTime) ? startTime : 0,
      argv: match[4].trim().split(/\s+/),
    });
  }
  return processes;
}

async function listPosixProcesses(): Promise<ProcessInfo[]> {
  return parsePsOutput(await run('ps', ['-A', '-o', 'pid=,ppid=,lstart=,args=']));
}

async function listWindowsProcesses(): Promise<ProcessInfo[]> {
  const script =
    'Get-CimInstance Win32_Process | ForEach-Object { "$($_.ProcessId)`t$($_.ParentProcessId)`t$($_.CreationDate.ToFileTimeUtc())`t$($_.CommandLine)" }';
  const text = await run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script]);
  const processes: ProcessInfo[] = [];
  for (const line of text.split(/\r?\n/)) {
    const [pid, ppid, created, commandLine] = line.split('\t');
    if (!pid || !ppid) continue;
    processes.push({
      pid: Number(pid),
      ppid: Number(ppid),
      startTime: Number(created) || 0,
      argv: (commandLine ?? '').trim().split(/\s+/).filter(Boolean),
    });
  }
  return processes;
}
