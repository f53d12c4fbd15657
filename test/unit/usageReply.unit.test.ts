import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseUsageReply } from '../../src/remote/usageReply';

describe('parseUsageReply', () => {
  it("reads ipykernel's usage_reply", () => {
    // The shape ipykernel 6.17 sends (kernelbase.usage_request), numbers from this machine.
    const reply = {
      hostname: 'box',
      pid: 4242,
      kernel_cpu: 12.5,
      kernel_memory: 104_857_600,
      host_cpu_percent: 3,
      cpu_count: 2,
      host_virtual_memory: { total: 8_000_000_000, available: 6_000_000_000, percent: 25, used: 2, free: 1 },
    };
    assert.deepEqual(parseUsageReply(reply), { memoryBytes: 104_857_600, pid: 4242, hostname: 'box', hostTotalBytes: 8_000_000_000, kernelCpuPercent: 12.5 });
  });

  it('gives undefined for a reply without memory (an error reply, no psutil), tolerates missing extras', () => {
    assert.equal(parseUsageReply({ status: 'error', ename: 'ModuleNotFoundError' }), undefined);
    assert.equal(parseUsageReply(null), undefined);
    assert.equal(parseUsageReply({ kernel_memory: 'lots' }), undefined);
    assert.deepEqual(parseUsageReply({ kernel_memory: 1000, pid: -1, host_virtual_memory: null }), {
      memoryBytes: 1000,
      pid: undefined,
      hostname: undefined,
      hostTotalBytes: undefined,
      kernelCpuPercent: undefined,
    });
  });
});
