// A remote kernel that runs on this machine is read from /proc instead of asked: faster, no
// protocol traffic, and its own cgroup limit is readable. Its usage_reply says where it runs
// (`hostname`, `pid`); the PID must also be an ipykernel here, since a container can share the
// host name while its PIDs are another namespace's.

import { readFileSync } from 'node:fs';
import { ProcessTreeSampler, type Disposable, type TreeSample } from '../core/sampler';
import type { KernelEntry } from './remoteKernelTypes';

export interface LocalKernelShortcutOptions {
  readonly intervalMs: number;
  readonly localHostname: string;
  readonly now?: () => number;
  /** A local sample of the kernel watched for `seriesKey`. */
  readonly onSample: (seriesKey: string, sample: TreeSample) => void;
  /** Its process ended (a restart or a shutdown: the protocol tells which). */
  readonly onExit: (seriesKey: string) => void;
}

export class LocalKernelShortcut implements Disposable {
  private readonly sampler: ProcessTreeSampler;
  private readonly seriesByProcess = new Map<string, string>();

  constructor(private readonly options: LocalKernelShortcutOptions) {
    this.sampler = new ProcessTreeSampler({ intervalMs: options.intervalMs, now: options.now });
    this.sampler.onSample((sample) => {
      const seriesKey = this.seriesByProcess.get(sample.processKey);
      if (seriesKey) options.onSample(seriesKey, sample);
    });
    this.sampler.onExit((exit) => {
      const seriesKey = this.seriesByProcess.get(exit.processKey);
      this.seriesByProcess.delete(exit.processKey);
      if (seriesKey) options.onExit(seriesKey);
    });
  }

  /** Starts reading `pid` here when it is this machine's kernel; resolves to its process key, else undefined. */
  async tryWatch(seriesKey: string, pid: number, hostname: string | undefined, label: string): Promise<string | undefined> {
    if (hostname !== this.options.localHostname || !looksLikeKernel(pid)) return undefined;
    try {
      const tree = await this.sampler.watch(pid, label);
      this.seriesByProcess.set(tree.processKey, seriesKey);
      if (!this.sampler.running) this.sampler.start();
      return tree.processKey;
    } catch {
      return undefined; // gone meanwhile: stay on the protocol
    }
  }

  /**
   * Reads the entry's PID here instead of asking, when it is this machine's kernel: true once it
   * is read here (its poller stopped), false when it stays on the protocol.
   */
  async switchToLocal(entry: KernelEntry): Promise<boolean> {
    const pid = entry.pid;
    if (pid === undefined || entry.localKey) return false;
    const processKey = await this.tryWatch(entry.key, pid, entry.hostname, entry.notebook ?? entry.kernelId);
    if (!processKey) return false;
    if (entry.state === 'ended' || entry.pid !== pid) {
      this.unwatch(processKey);
      return false;
    }
    entry.localKey = processKey;
    entry.poller.dispose();
    return true;
  }

  unwatch(processKey: string): void {
    this.seriesByProcess.delete(processKey);
    this.sampler.unwatch(processKey);
  }

  dispose(): void {
    this.seriesByProcess.clear();
    this.sampler.dispose();
  }
}

function looksLikeKernel(pid: number): boolean {
  try {
    return /kernel/.test(readFileSync(`/proc/${pid}/cmdline`, 'latin1'));
  } catch {
    return false;
  }
}
