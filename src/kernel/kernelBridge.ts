// The bridge into a live kernel: diagnose, release, clear the output cache, learn the PID.
// Pure (no `vscode`): it talks to anything shaped like the Jupyter extension's published
// `Kernel` (status, onDidChangeStatus, executeCode). Production passes the real one; tests
// pass an implementation that drives a real ipykernel through jupyter_client.

import {
  CLEAR_OUTPUT_CACHE_SCRIPT,
  DIAGNOSE_SCRIPT,
  PROBE_SCRIPT,
  RELEASE_SCRIPT,
  RESULT_MARKER,
} from './kernelScripts';
import { readLiveData, type LiveData } from './liveData';

export type KernelStatus = 'unknown' | 'starting' | 'idle' | 'busy' | 'terminating' | 'restarting' | 'autorestarting' | 'dead';

/** The subset of the Jupyter extension's `Kernel` the bridge uses (structurally compatible). */
export interface BridgeKernel {
  readonly status: KernelStatus;
  readonly language: string;
  onDidChangeStatus(listener: (status: KernelStatus) => void): { dispose(): void };
  executeCode(code: string, token: BridgeCancellationToken): AsyncIterable<{ items: { mime: string; data: Uint8Array }[] }>;
}

export interface BridgeCancellationToken {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export class KernelBusyError extends Error {
  constructor(readonly status: KernelStatus) {
    super(
      status === 'busy'
        ? 'The kernel is running a cell. Code sent now would wait behind it; try again when the cell has finished.'
        : `The kernel is ${status}; it can take code only when idle.`,
    );
    this.name = 'KernelBusyError';
  }
}

export class KernelBridgeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelBridgeError';
  }
}

export interface KernelProbe {
  readonly pid: number;
  readonly executable: string;
  readonly python: string;
  readonly platform: string;
  readonly libc: string;
  readonly rssBytes: number | null;
  /** The kernel's own cgroup limit, when it is tighter than its host's RAM (absent from older scripts' replies). */
  readonly cgroupLimit?: { readonly bytes: number; readonly source: 'cgroup-v2' | 'cgroup-v1' } | null;
}

export interface MallocInfo {
  readonly arenaBytes: number;
  readonly inUseBytes: number;
  readonly freeInArenasBytes: number;
  readonly mmappedBytes: number;
}

interface RawDiagnosis {
  outputCache: { entries: number; bytes: number };
  rssBefore: number | null;
  collectedObjects: number;
  rssAfterCollect: number | null;
  mallinfoBefore: MallocInfo | null;
  trimmed: boolean;
  rssAfterTrim: number | null;
  mallinfoAfter: MallocInfo | null;
  seconds: number;
  /** What live_data() answered (checked by readLiveData); absent from older scripts. */
  liveData?: unknown;
}

export type MemoryComponent = 'cyclic-garbage' | 'allocator-retention' | 'output-cache' | 'live-data';

export interface Diagnosis {
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
  /** Freed by gc.collect(). */
  readonly cyclicGarbageBytes: number;
  readonly collectedObjects: number;
  /** Returned to the OS by malloc_trim(0) (0 where there is no glibc). */
  readonly allocatorRetentionBytes: number;
  readonly trimmed: boolean;
  /** Held by Out, _, __, ___ (still held: clearing it needs the user's consent). */
  readonly outputCacheBytes: number;
  readonly outputCacheEntries: number;
  /** What remains: the interpreter, modules and the user's variables. */
  readonly liveDataBytes: number;
  readonly dominant: MemoryComponent;
  readonly mallinfoBefore: MallocInfo | null;
  readonly mallinfoAfter: MallocInfo | null;
  readonly kernelSeconds: number;
  /** The largest variables and cached outputs and what they keep alive; null when not measured. */
  readonly liveData: LiveData | null;
}

export interface Release {
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
  readonly collectedObjects: number;
  readonly trimmed: boolean;
}

/**
 * A component dominates when it is the largest of the three releasable ones and worth acting on
 * (at least 32 MiB and a tenth of the RSS); otherwise what is left is live data.
 */
export function dominantComponent(d: Pick<Diagnosis, 'rssBeforeBytes' | 'cyclicGarbageBytes' | 'allocatorRetentionBytes' | 'outputCacheBytes'>): MemoryComponent {
  const candidates: Array<[MemoryComponent, number]> = [
    ['cyclic-garbage', d.cyclicGarbageBytes],
    ['allocator-retention', d.allocatorRetentionBytes],
    ['output-cache', d.outputCacheBytes],
  ];
  candidates.sort((a, b) => b[1] - a[1]);
  const [component, bytes] = candidates[0];
  return bytes >= Math.max(32 * 1024 * 1024, 0.1 * d.rssBeforeBytes) ? component : 'live-data';
}

export function interpretDiagnosis(raw: RawDiagnosis): Diagnosis {
  const before = raw.rssBefore ?? 0;
  const afterCollect = raw.rssAfterCollect ?? before;
  const afterTrim = raw.rssAfterTrim ?? afterCollect;
  const cyclicGarbageBytes = Math.max(0, before - afterCollect);
  const allocatorRetentionBytes = Math.max(0, afterCollect - afterTrim);
  const outputCacheBytes = raw.outputCache.bytes;
  const partial = { rssBeforeBytes: before, cyclicGarbageBytes, allocatorRetentionBytes, outputCacheBytes };
  return {
    ...partial,
    rssAfterBytes: afterTrim,
    collectedObjects: raw.collectedObjects,
    trimmed: raw.trimmed,
    outputCacheEntries: raw.outputCache.entries,
    liveDataBytes: Math.max(0, afterTrim - outputCacheBytes),
    dominant: dominantComponent(partial),
    mallinfoBefore: raw.mallinfoBefore,
    mallinfoAfter: raw.mallinfoAfter,
    kernelSeconds: raw.seconds,
    liveData: readLiveData(raw.liveData),
  };
}

export class KernelBridge {
  constructor(
    private readonly kernel: BridgeKernel,
    private readonly timeoutMs = 30_000,
  ) {}

  get status(): KernelStatus {
    return this.kernel.status;
  }

  probe(): Promise<KernelProbe> {
    return this.run<KernelProbe>(PROBE_SCRIPT);
  }

  async diagnose(): Promise<Diagnosis> {
    return interpretDiagnosis(await this.run<RawDiagnosis>(DIAGNOSE_SCRIPT));
  }

  async release(): Promise<Release> {
    const raw = await this.run<{ rssBefore: number | null; rssAfter: number | null; collectedObjects: number; trimmed: boolean }>(RELEASE_SCRIPT);
    return { rssBeforeBytes: raw.rssBefore ?? 0, rssAfterBytes: raw.rssAfter ?? 0, collectedObjects: raw.collectedObjects, trimmed: raw.trimmed };
  }

  /** Runs %reset -f out. The caller must have asked the user first. */
  async clearOutputCache(): Promise<{ freedEntries: number; heldBytesBefore: number; heldBytesAfter: number }> {
    const raw = await this.run<{ before: { entries: number; bytes: number }; after: { entries: number; bytes: number } }>(CLEAR_OUTPUT_CACHE_SCRIPT);
    return { freedEntries: raw.before.entries - raw.after.entries, heldBytesBefore: raw.before.bytes, heldBytesAfter: raw.after.bytes };
  }

  /** Sends a script while the kernel is idle and returns its JSON result. */
  private async run<T>(script: string): Promise<T> {
    if (this.kernel.language !== 'python') throw new KernelBridgeError(`The kernel runs ${this.kernel.language}, not Python.`);
    // Never queue behind a running cell: the user would wait for us, and we for them.
    if (this.kernel.status !== 'idle') throw new KernelBusyError(this.kernel.status);
    let timedOut = false;
    const listeners = new Set<() => void>();
    const token: BridgeCancellationToken = {
      get isCancellationRequested() {
        return timedOut;
      },
      onCancellationRequested: (listener) => {
        listeners.add(listener);
        return { dispose: () => listeners.delete(listener) };
      },
    };
    const timer = setTimeout(() => {
      timedOut = true;
      for (const listener of listeners) listener();
    }, this.timeoutMs);
    let text = '';
    const errors: string[] = [];
    try {
      for await (const output of this.kernel.executeCode(script, token)) {
        for (const item of output.items) {
          const data = Buffer.from(item.data).toString('utf8');
          if (item.mime === 'application/vnd.code.notebook.error') errors.push(data);
          else text += data;
        }
      }
    } finally {
      clearTimeout(timer);
    }
    if (timedOut) throw new KernelBridgeError(`The kernel did not answer within ${Math.round(this.timeoutMs / 1000)} s.`);
    const line = text.split('\n').find((candidate) => candidate.startsWith(RESULT_MARKER));
    if (!line) {
      throw new KernelBridgeError(errors.length > 0 ? `The kernel reported an error: ${errors.join('; ').slice(0, 500)}` : 'The kernel returned no result.');
    }
    return JSON.parse(line.slice(RESULT_MARKER.length)) as T;
  }
}
