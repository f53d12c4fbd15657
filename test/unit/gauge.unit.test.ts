// The status-bar gauge's choice of process, text, colour and tooltip (src/model/gauge.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gaugeLevel, gaugeText, gaugeTooltip, pickProcess } from '../../src/model/gauge';
import { DEFAULT_SETTINGS } from '../../src/model/settings';
import type { ProcessView } from '../../src/shared/protocol';

const MB = 1024 * 1024;

const process = (overrides: Partial<ProcessView>): ProcessView => ({
  key: 'k',
  pid: 1,
  label: 'job.py',
  source: 'terminal',
  rssBytes: 500 * MB,
  measure: 'rss',
  measureNote: null,
  summedRssBytes: 500 * MB,
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
      stopWatching: (seriesId) => `command:stop?${seriesId}`,
      current: { label: 'a|b*.py', actions: [{ title: 'Show the loop', icon: '$(warning)', link: 'command:show' }, { title: 'Open script', icon: '$(go-to-file)', link: 'command:open-script' }] },
    });
    assert.match(tooltip, /\| a\\\|b\\\*\\\.py \| 500 MB RSS \| ↑ \| staircase ⚠, limit in 2 min \| physical RAM \| \[stop\]\(command:stop\?k\) \|/);
    assert.match(tooltip, /\n\[\$\(graph\) Open panel\]\(command:open\)\n/);
    assert.match(tooltip, /\na\\\|b\\\*\\\.py: \[\$\(warning\) Show the loop\]\(command:show\) · \[\$\(go-to-file\) Open script\]\(command:open-script\)$/);
    assert.doesNotMatch(gaugeTooltip([process({})], { openPanel: 'x', stopWatching: () => '', current: { label: 'p', actions: [] } }), /p: /, 'no actions, no line');
    assert.match(gaugeTooltip([], { openPanel: 'x', stopWatching: () => '' }), /Run a notebook cell or a Python script/);
  });

  it('tooltip: says which measure each figure is, and why a tree is measured by RSS', () => {
    const links = { openPanel: 'x', stopWatching: () => 's' };
    const pool = process({ label: 'pool.py', measure: 'pss', rssBytes: 513 * MB, summedRssBytes: 2552 * MB, childCount: 4 });
    assert.match(gaugeTooltip([pool], links), /\| pool\\\.py \| 513 MB PSS of the tree \(RSS 2\.49 GB\) \|/);
    const fallback = process({ label: 'old.py', childCount: 2, measureNote: 'RSS: smaps_rollup is missing here' });
    const tooltip = gaugeTooltip([fallback], links);
    assert.match(tooltip, /\| old\\\.py \| 500 MB RSS \|/);
    assert.match(tooltip, /old\\\.py: RSS: smaps\\_rollup is missing here/);
    assert.doesNotMatch(gaugeTooltip([process({})], links), /smaps/);
  });

  it('tooltip: a remote kernel is marked remote, with the limit\'s source and a note on its figure, or its status', () => {
    const remote = process({ key: 'r', label: 'demo.ipynb', source: 'remote', limitSource: "the kernel host's RAM (usage_reply)", note: 'the memory the kernel reports' });
    const silent = process({ key: 's', label: 'old.ipynb', source: 'remote', rssBytes: 0, status: 'does not report its memory', note: 'it needs ipykernel ≥ 6.11 with psutil' });
    const tooltip = gaugeTooltip([remote, silent], { openPanel: 'command:open', stopWatching: (key) => `command:stop?${key}` });
    const lines = tooltip.split('\n');
    assert.ok(lines.includes("| demo\\.ipynb \\(remote\\) | 500 MB RSS | → | flat | the kernel host's RAM \\(usage\\_reply\\) | [stop](command:stop?r) |"), tooltip);
    assert.ok(lines.includes('| old\\.ipynb \\(remote\\) | does not report its memory | | | | [stop](command:stop?s) |'), tooltip);
    assert.ok(lines.includes('demo\\.ipynb: the memory the kernel reports'), tooltip);
    assert.ok(lines.includes('old\\.ipynb: it needs ipykernel ≥ 6\\.11 with psutil'), tooltip);
  });
});
