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
    assert.deepEqual(settings.remoteServers, [
      { url: 'http://127.0.0.1:8888/', verifyCertificate: true },
      { url: 'https://hub.example.org/user/ana/', verifyCertificate: true },
    ]);
    assert.equal(settings.remoteIntervalMs, 500);
    assert.deepEqual(problems.map((p) => p.slice(0, 38)), ['kernelMemoryWatch.remote.servers[1] mu', 'kernelMemoryWatch.remote.servers[3]: t']);
    assert.ok(problems.every((p) => !p.includes('abc')), 'a token typed into the setting is not repeated');
    const notAList = readSettings((key) => ({ 'remote.servers': 'http://x/', 'remote.interval': 5 })[key as 'remote.servers']);
    assert.deepEqual(notAList.settings.remoteServers, []);
    assert.equal(notAList.settings.remoteIntervalMs, 1000);
    assert.match(notAList.problems[0], /must be a list of URLs/);
    assert.match(notAList.problems[1], /remote\.interval must be a number from 100 to 60000/);
  });

  it('reads { url, verifyCertificate } entries beside URL strings; a wrong type is named and skipped, the rest kept', () => {
    const entries: unknown[] = [
      { url: 'https://10.0.0.5:8888/lab', verifyCertificate: false },
      'https://hub.example.org/user/ana/',
      { url: 'https://hub.example.org/user/bo/' },
      { verifyCertificate: false },
      { url: 'https://x/', verifyCertificate: 'no' },
      { url: 'ftp://x/' },
      ['https://x/'],
      null,
      { url: 'https://10.0.0.5:8888/', verifyCertificate: true },
      { url: 'https://10.0.0.6:8888/', token: 'secret-token-123', note: 'mine' },
    ];
    const { settings, problems } = readSettings((key) => (key === 'remote.servers' ? entries : undefined));
    assert.deepEqual(settings.remoteServers, [
      { url: 'https://10.0.0.5:8888/', verifyCertificate: false },
      { url: 'https://hub.example.org/user/ana/', verifyCertificate: true },
      { url: 'https://hub.example.org/user/bo/', verifyCertificate: true },
      { url: 'https://10.0.0.6:8888/', verifyCertificate: true },
    ]);
    assert.deepEqual(problems, [
      'kernelMemoryWatch.remote.servers[3] needs "url", the server\'s base URL, as a string (got undefined); skipped.',
      'kernelMemoryWatch.remote.servers[4].verifyCertificate must be true or false (got string); skipped.',
      'kernelMemoryWatch.remote.servers[5]: a Jupyter Server URL starts with http:// or https:// (got ftp://); skipped.',
      'kernelMemoryWatch.remote.servers[6] must be a URL string or { "url": …, "verifyCertificate": false } (got a list); skipped.',
      'kernelMemoryWatch.remote.servers[7] must be a URL string or { "url": …, "verifyCertificate": false } (got null); skipped.',
      'kernelMemoryWatch.remote.servers[8] lists https://10.0.0.5:8888/ again with another verifyCertificate; the first entry is used.',
      'kernelMemoryWatch.remote.servers[9] has a "token": tokens are kept in VS Code\'s secret storage, never in settings; it is ignored (remove it from your settings).',
      'kernelMemoryWatch.remote.servers[9]: "note" ignored (an entry has "url" and "verifyCertificate").',
    ]);
    assert.ok(problems.every((p) => !p.includes('secret-token-123')), 'a token in the setting is never repeated');
  });
});
