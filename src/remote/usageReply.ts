// What ipykernel's `usage_reply` (control channel, ipykernel ≥ 6.11 with psutil) tells. Pure.

export const NO_USAGE_REASON = 'this kernel does not report its memory: it needs ipykernel ≥ 6.11 with psutil';

export interface KernelUsage {
  /** PSS where psutil has it, else RSS, of the kernel and its children. */
  readonly memoryBytes: number;
  readonly pid: number | undefined;
  readonly hostname: string | undefined;
  /** `host_virtual_memory.total`: the RAM of the machine the kernel runs on. */
  readonly hostTotalBytes: number | undefined;
  readonly kernelCpuPercent: number | undefined;
}

function finiteNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * The reply's figures, or undefined when it carries no memory (a kernel that knows the message
 * but has no psutil answers with an error status or without `kernel_memory`).
 */
export function parseUsageReply(content: unknown): KernelUsage | undefined {
  if (typeof content !== 'object' || content === null) return undefined;
  const reply = content as Record<string, unknown>;
  const memoryBytes = finiteNumber(reply.kernel_memory);
  if (memoryBytes === undefined || memoryBytes <= 0) return undefined;
  const pid = finiteNumber(reply.pid);
  const host = reply.host_virtual_memory;
  const hostTotal = typeof host === 'object' && host !== null ? finiteNumber((host as Record<string, unknown>).total) : undefined;
  return {
    memoryBytes,
    pid: pid !== undefined && Number.isSafeInteger(pid) && pid > 0 ? pid : undefined,
    hostname: typeof reply.hostname === 'string' ? reply.hostname : undefined,
    hostTotalBytes: hostTotal !== undefined && hostTotal > 0 ? hostTotal : undefined,
    kernelCpuPercent: finiteNumber(reply.kernel_cpu),
  };
}
