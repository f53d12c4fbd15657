// Where a remote kernel's memory limit comes from. Pure.

import { readMemoryLimit, type MemoryLimit } from '../core/limits';
import type { KernelEntry } from './remoteKernelTypes';

/**
 * Your setting, else the kernel's cgroup read here (a kernel on this machine), else the cgroup
 * the kernel's own probe read (a pod's limit, once you allowed code in it), else its host's RAM.
 */
export function remoteKernelLimit(entry: Pick<KernelEntry, 'localKey' | 'pid' | 'probedLimit' | 'hostTotalBytes'>, overrideBytes: number | undefined): MemoryLimit | undefined {
  if (overrideBytes !== undefined && overrideBytes > 0) return { bytes: overrideBytes, source: 'override' };
  if (entry.localKey && entry.pid !== undefined) return readMemoryLimit(entry.pid);
  if (entry.probedLimit) return entry.probedLimit;
  return entry.hostTotalBytes === undefined ? undefined : { bytes: entry.hostTotalBytes, source: 'kernel-host' };
}

/** The limit a kernel's probe reported (KernelProbe.cgroupLimit), when it is a usable one. */
export function probedCgroupLimit(reported: unknown): MemoryLimit | undefined {
  if (typeof reported !== 'object' || reported === null) return undefined;
  const { bytes, source } = reported as { bytes?: unknown; source?: unknown };
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes <= 0) return undefined;
  if (source !== 'cgroup-v2' && source !== 'cgroup-v1') return undefined;
  return { bytes, source };
}
