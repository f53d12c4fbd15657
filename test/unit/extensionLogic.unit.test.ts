// The pure parts behind the extension's views: process classification,
// kernel-to-notebook mapping, gauge text and colour, settings validation, webview message validation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notebookOfKernel } from '../../src/discovery/notebookMapping';
import { classifyPython } from '../../src/discovery/processClassifier';
import { gaugeLevel, gaugeText, gaugeTooltip, pickProcess } from '../../src/model/gauge';
import { DEFAULT_SETTINGS, readSettings } from '../../src/model/settings';
import { parseWebviewMessage, type ProcessView } from '../../src/shared/protocol';

const MB = 1024 * 1024;

describe('process classification', () => {
  it('tells kernels, scripts, modules and debuggees apart from their command lines', () => {
    assert.deepEqual(classifyPython(['/usr/bin/python3', '-m', 'ipykernel_launcher', '-f', '/run/user/0/jupyter/kernel-abc.json']), { kind: 'kernel', connectionFile: '/run/user/0/jupyter/kernel-abc.json' });
    assert.deepEqual(classifyPython(['python3.11', '-u', 'train.py', '--epochs', '3']), { kind: 'script', script: 'train.py', module: undefined });
    assert.deepEqual(classifyPython(['python', '-m', 'http.server']), { kind: 'script', script: undefined, module: 'http.server' });
    assert.equal(classifyPython(['/home/u/.venv/bin/python', '/home/u/.vscode/extensions/ms-python.debugpy/bundled/libs/debugpy/adapter/../../debugpy/launcher', '--', 'job.py'])?.kind, 'debuggee');
    assert.equal(classifyPython(['bash', '-c', 'python3 x.py']), undefined);
    assert.equal(classifyPython(['/opt/env/bin/my-interp', 'a.py'], new Set(['/opt/env/bin/my-interp']))?.kind, 'script');
  });
});

const process = (overrides: Partial<ProcessView>): ProcessView => ({
  key: 'k',
  pid: 1,
  label: 'job.py',
  source: 'terminal',
  rssBytes: 500 * MB,
  childCount: 0,
  pattern: 'flat',
  alarm: false,
  troughSlopeBytesPerSec: 0,
  growthBytes: 0,
  teeth: 0,
  limitBytes: 1000 * MB,
  limitSource: 'physical RAM',
  secondsToLimit: null,
  exited: false,
  ...overrides,
});

describe('kernel to notebook mapping (without the Jupyter extension)', () => {
  const notebook = (fsPath: string, claimed = false) => ({ fsPath, claimed });
  it('maps a kernel to the notebook in its working directory', () => {
    const sales = notebook('/work/sales/report.ipynb');
    const model = notebook('/work/model/train.ipynb');
    assert.equal(notebookOfKernel('/work/model', [sales, model]), model);
    assert.equal(notebookOfKernel('/work/model/', [sales, model]), model, 'a trailing slash is the same folder');
  });
  it('tells two notebooks of one folder apart only by the active one', () => {
    const a = notebook('/work/a.ipynb');
    const b = notebook('/work/b.ipynb');
    assert.equal(notebookOfKernel('/work', [a, b], b), b);
    assert.equal(notebookOfKernel('/work', [a, b]), undefined, 'no guess between two');
    assert.equal(notebookOfKernel('/work', [a, b], notebook('/elsewhere/c.ipynb')), undefined);
  });
  it('skips notebooks another live kernel serves: the second kernel of a folder gets the other notebook', () => {
    const a = notebook('/work/a.ipynb', true);
    const b = notebook('/work/b.ipynb');
    assert.equal(notebookOfKernel('/work', [a, b], a), b);
  });
  it('falls back to the only open notebook when the kernel runs elsewhere (another notebookFileRoot), never to a served one', () => {
    const only = notebook('/work/project/analysis.ipynb');
    assert.equal(notebookOfKernel('/work', [only]), only);
    assert.equal(notebookOfKernel(undefined, [only]), only, 'an unreadable cwd');
    assert.equal(notebookOfKernel('/work', [notebook('/work/project/analysis.ipynb', true)]), undefined);
    assert.equal(notebookOfKernel('/work', [notebook('/x/a.ipynb'), notebook('/y/b.ipynb')]), undefined);
    assert.equal(notebookOfKernel('/work', []), undefined);
    assert.equal(notebookOfKernel('/work', [only], undefined, 1), undefined, 'an interactive window may own the kernel');
    assert.equal(notebookOfKernel('/work/project', [only], undefined, 1), only, 'the folder still decides');
  });
});

describe('status-bar gauge', () => {
  it('shows the active notebook kernel, else the active terminal process, else the largest', () => {
    const kernel = process({ key: 'file:///a.ipynb', pid: 10, source: 'kernel', rssBytes: 100 * MB });
    const script = process({ key: 's', pid: 20, rssBytes: 200 * MB });
    const big = process({ key: 'b', pid: 30, rssBytes: 900 * MB });
    const exited = process({ key: 'e', pid: 40, rssBytes: 5000 * MB, exited: true });
    const all = [kernel, script, big, exited];
    assert.equal(pickProcess(all, { activeNotebook: 'file:///a.ipynb' })?.pid, 10);
    assert.equal(pickProcess(all, { activeTerminalPids: new Set([20]) })?.pid, 20);
    assert.equal(pickProcess(all, {})?.pid, 30);
    assert.equal(pickProcess([exited], {}), undefined);
  });

  it('text: size, trend arrow and share of the limit', () => {
    assert.equal(gaugeText(process({ rssBytes: 1.42 * 1024 * MB, limitBytes: 8 * 1024 * MB, pattern: 'staircase', alarm: true })), '$(pulse) 1.42 GB ↑ (18 %)');
    assert.equal(gaugeText(process({ limitBytes: null })), '$(pulse) 500 MB →');
    assert.equal(gaugeText(undefined), '$(pulse) Memory');
  });

  it('colour: warning at the share or on alarm, error at 90 % or a forecast within 5 minutes', () => {
    const settings = { warningShare: DEFAULT_SETTINGS.warningShare, errorShare: DEFAULT_SETTINGS.errorShare };
    assert.equal(gaugeLevel(process({ rssBytes: 500 * MB }), settings), 'normal');
    assert.equal(gaugeLevel(process({ rssBytes: 760 * MB }), settings), 'warning');
    assert.equal(gaugeLevel(process({ alarm: true, pattern: 'steady-growth' }), settings), 'warning');
    assert.equal(gaugeLevel(process({ rssBytes: 950 * MB }), settings), 'error');
    assert.equal(gaugeLevel(process({ alarm: true, secondsToLimit: 120 }), settings), 'error');
    assert.equal(gaugeLevel(process({ alarm: true, secondsToLimit: 1200 }), settings), 'warning');
  });

  it('tooltip: a table of every live process and command links, Markdown-escaped', () => {
    const tooltip = gaugeTooltip([process({ label: 'a|b*.py', alarm: true, pattern: 'staircase', secondsToLimit: 90 })], {
      openPanel: 'command:open',
      diagnose: 'command:diag',
      stopWatching: (key) => `command:stop?${key}`,
    });
    assert.match(tooltip, /\| a\\\|b\\\*\\\.py \| 500 MB \| ↑ \| staircase ⚠, limit in 2 min \| physical RAM \| \[stop\]\(command:stop\?k\) \|/);
    assert.match(tooltip, /\[\$\(graph\) Open panel\]\(command:open\) · \[\$\(beaker\) Diagnose\]\(command:diag\)/);
    assert.match(gaugeTooltip([], { openPanel: 'x', stopWatching: () => '' }), /Run a notebook cell or a Python script/);
  });
});

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

describe('webview message validation', () => {
  it('accepts each shape of the protocol', () => {
    for (const message of [
      { type: 'ready' },
      { type: 'setPaused', paused: true },
      { type: 'setWindow', windowSec: 300 },
      { type: 'setWindow', windowSec: null },
      { type: 'exportCsv', key: 'file:///a.ipynb' },
      { type: 'exportPng', dataUrl: 'data:image/png;base64,AAAA' },
      { type: 'runCommand', command: 'kernelMemoryWatch.diagnose', key: 'k' },
      { type: 'revealCell', cellId: 'file:///a.ipynb#W1' },
    ]) {
      assert.deepEqual(parseWebviewMessage(message), message);
    }
  });

  it('ignores anything else', () => {
    for (const message of [
      null,
      'ready',
      [],
      { type: 'explode' },
      { type: 'setPaused', paused: 'yes' },
      { type: 'setWindow', windowSec: 42 },
      { type: 'exportCsv' },
      { type: 'exportCsv', key: 'x'.repeat(500) },
      { type: 'exportPng', dataUrl: 'javascript:alert(1)' },
      { type: 'exportPng', dataUrl: 'data:image/png;base64,' + 'A'.repeat(21 * 1024 * 1024) },
      { type: 'runCommand', command: 'workbench.action.terminal.sendSequence', key: 'k' },
      { type: 'runCommand', command: 'kernelMemoryWatch.x;rm', key: 'k' },
    ]) {
      assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message)?.slice(0, 80));
    }
  });
});

