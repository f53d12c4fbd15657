// Settings validation: defaults, and a named fallback per malformed value (src/model/settings.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SETTINGS, readSettings } from '../../src/model/settings';

describe('settings', () => {
  it('defaults when nothing is set', () => {
    assert.deepEqual(readSettings(() => undefined), { settings: DEFAULT_SETTINGS, problems: [] });
  });

  it('falls back per setting, naming it, on malformed or out-of-range values', () => {
    const values: Record<string, unknown> = { samplingInterval: 5, warningThreshold: 'high', memoryLimit: 'lots', 'watch.kernels': 'yes', historyHours: 48 };
    const { settings, problems } = readSettings((key) => values[key]);
    assert.equal(settings.samplingIntervalMs, 250);
    assert.equal(settings.warningShare, 0.75);
    assert.equal(settings.limitOverrideBytes, undefined);
    assert.equal(settings.watchKernels, true);
    assert.equal(settings.historyHours, 48);
    assert.equal(problems.length, 4);
    assert.ok(problems.some((p) => p.startsWith('kernelMemoryWatch.samplingInterval must be a number from 50 to 10000')));
    assert.ok(problems.some((p) => p.includes('kernelMemoryWatch.memoryLimit')));
  });

  it('reads sizes and rejects an error threshold below the warning one', () => {
    assert.equal(readSettings((key) => (key === 'memoryLimit' ? '12G' : undefined)).settings.limitOverrideBytes, 12 * 1024 ** 3);
    const { settings, problems } = readSettings((key) => ({ warningThreshold: 0.9, errorThreshold: 0.5 })[key as 'warningThreshold']);
    assert.equal(settings.warningShare, 0.75);
    assert.equal(settings.errorShare, 0.9);
    assert.equal(problems.length, 1);
  });
});
