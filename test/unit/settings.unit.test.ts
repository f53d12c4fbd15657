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

  it('reads the remote servers, normalised, naming and skipping each malformed entry', () => {
    const values: Record<string, unknown> = {
      'remote.servers': ['http://127.0.0.1:8888', 42, 'https://hub.example.org/user/ana/lab', 'http://h:1/?token=abc', 'http://127.0.0.1:8888/'],
      'remote.interval': 500,
    };
    const { settings, problems } = readSettings((key) => values[key]);
    assert.deepEqual(settings.remoteServers, ['http://127.0.0.1:8888/', 'https://hub.example.org/user/ana/']);
    assert.equal(settings.remoteIntervalMs, 500);
    assert.deepEqual(problems.map((p) => p.slice(0, 38)), ['kernelMemoryWatch.remote.servers[1] mu', 'kernelMemoryWatch.remote.servers[3]: t']);
    assert.ok(problems.every((p) => !p.includes('abc')), 'a token typed into the setting is not repeated');
    const notAList = readSettings((key) => ({ 'remote.servers': 'http://x/', 'remote.interval': 5 })[key as 'remote.servers']);
    assert.deepEqual(notAList.settings.remoteServers, []);
    assert.equal(notAList.settings.remoteIntervalMs, 1000);
    assert.match(notAList.problems[0], /must be a list of URLs/);
    assert.match(notAList.problems[1], /remote\.interval must be a number from 100 to 60000/);
  });
});
