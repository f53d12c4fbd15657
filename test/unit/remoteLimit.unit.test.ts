// Where a remote kernel's limit comes from: your setting, the cgroup read here, the cgroup its
// probe read, the host's RAM, in that order; and which probe answers count.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { probedCgroupLimit, remoteKernelLimit } from '../../src/remote/remoteLimit';

const GB = 1024 ** 3;
const remote = { localKey: undefined, pid: 4242, probedLimit: undefined, hostTotalBytes: 64 * GB };

describe('remoteKernelLimit', () => {
  it("is the host's RAM from usage_reply until the probe ran", () => {
    assert.deepEqual(remoteKernelLimit(remote, undefined), { bytes: 64 * GB, source: 'kernel-host' });
  });

  it("is the pod's cgroup limit once the probe read it", () => {
    assert.deepEqual(remoteKernelLimit({ ...remote, probedLimit: { bytes: 2 * GB, source: 'cgroup-v2' } }, undefined), { bytes: 2 * GB, source: 'cgroup-v2' });
  });

  it('is your setting above everything', () => {
    assert.deepEqual(remoteKernelLimit({ ...remote, probedLimit: { bytes: 2 * GB, source: 'cgroup-v2' } }, 3 * GB), { bytes: 3 * GB, source: 'override' });
  });

  it('is unknown when nothing reported one', () => {
    assert.equal(remoteKernelLimit({ ...remote, hostTotalBytes: undefined }, undefined), undefined);
  });
});

describe('probedCgroupLimit', () => {
  it('takes a positive whole number of bytes from cgroup v1 or v2', () => {
    assert.deepEqual(probedCgroupLimit({ bytes: 734003200, source: 'cgroup-v1' }), { bytes: 734003200, source: 'cgroup-v1' });
  });

  it('refuses anything else: none, zero, fractions, strings, other sources', () => {
    for (const reported of [null, undefined, 'max', { bytes: 0, source: 'cgroup-v2' }, { bytes: 1.5, source: 'cgroup-v2' }, { bytes: '5', source: 'cgroup-v2' }, { bytes: 5, source: 'ram' }]) {
      assert.equal(probedCgroupLimit(reported), undefined, JSON.stringify(reported));
    }
  });
});
