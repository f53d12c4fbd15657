// Validation of the webview's messages (src/shared/protocol.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseWebviewMessage } from '../../src/shared/protocol';

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
      { type: 'copyDel', text: 'del df, frame' },
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
      { type: 'copyDel', text: 'del df\nimport os' },
      { type: 'copyDel' },
    ]) {
      assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message)?.slice(0, 80));
    }
  });
});
