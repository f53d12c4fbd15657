// Where a remote kernel's memory limit comes from. Pure.

import { readMemoryLimit, type MemoryLimit } from '../core/limits';
import type { KernelEntry } from './remoteKernelTypes';

export function remoteKernelLimit(entry: KernelEntry, overrideBytes: number | undefined): MemoryLimit | undefined {
  if (overrideBytes !== undefined && overrideBytes > 0) return { bytes: overrideBytes, source: 'override' };
  // Here, the kernel's own cgroup is readable; remotely, the host's RAM is what the reply gives.
  if (entry.localKey && entry.pid !== undefined) return readMemoryLimit(entry.pid);
  return entry.hostTotalBytes === undefined ? undefined : { bytes: entry.hostTotalBytes, source: 'kernel-host' };
}
