// A remote kernel's own memory limit, learned with the kernel bridge's probe: a JupyterHub pod's
// cgroup limit is visible only from inside the pod, and usage_reply gives just the host's RAM.
// The probe is code in the user's kernel, so the caller decides that the user allowed it; this
// module decides when: once per kernel process (its PID), only while the kernel is idle, one
// probe at a time per kernel. Pure (no `vscode`).

import { KernelBridge, type BridgeKernel } from '../kernel/kernelBridge';
import { probedCgroupLimit } from './remoteLimit';
import type { RemoteKernelView } from './remoteKernelTypes';
import type { MemoryLimit } from '../core/limits';

/** What the prober needs of a JupyterServerSource. */
export interface ProbeTarget {
  kernels(): RemoteKernelView[];
  bridgeKernelOf(kernelId: string): (BridgeKernel & { dispose(): void }) | undefined;
  setProbedLimit(kernelId: string, limit: MemoryLimit | undefined): void;
}

export class LimitProber {
  /** Kernel key → the PID its probe ran in. */
  private readonly probedPid = new Map<string, number | undefined>();
  private readonly inFlight = new Set<string>();

  constructor(private readonly onError: (view: RemoteKernelView, message: string) => void = () => {}) {}

  /** Whether this kernel process has been probed (a restart makes a new process). */
  probed(view: RemoteKernelView): boolean {
    return this.probedPid.has(view.key) && this.probedPid.get(view.key) === view.pid;
  }

  /** Probes every kernel of `target` that is sampled, idle and not yet probed at its PID. */
  sweep(target: ProbeTarget): Promise<void> {
    const due = target.kernels().filter((view) => view.state === 'sampling' && view.executionState === 'idle' && !this.probed(view));
    return Promise.all(due.map((view) => this.probe(target, view))).then(() => undefined);
  }

  /** Probes one kernel now; resolves to the limit it reported (undefined: none tighter than RAM, or it failed). */
  async probe(target: ProbeTarget, view: RemoteKernelView): Promise<MemoryLimit | undefined> {
    if (this.inFlight.has(view.key)) return undefined;
    const kernel = target.bridgeKernelOf(view.kernelId);
    if (!kernel) return undefined;
    this.inFlight.add(view.key);
    try {
      const probe = await new KernelBridge(kernel, 15_000).probe();
      const limit = probedCgroupLimit(probe.cgroupLimit);
      this.probedPid.set(view.key, probe.pid ?? view.pid);
      target.setProbedLimit(view.kernelId, limit);
      return limit;
    } catch (error) {
      // Busy after all, or the kernel went: the next sweep tries again; other errors are said once.
      if (!(error instanceof Error && error.name === 'KernelBusyError')) {
        this.probedPid.set(view.key, view.pid);
        this.onError(view, error instanceof Error ? error.message : String(error));
      }
      return undefined;
    } finally {
      this.inFlight.delete(view.key);
      kernel.dispose();
    }
  }
}
