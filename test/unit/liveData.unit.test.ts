// What holds the live data: reading the kernel's answer, notes, shapes, del statements, rows (src/kernel/liveData.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LedgerEntry } from '../../src/kernel/cellLedger';
import { describeDiagnosis } from '../../src/kernel/diagnosisReport';
import { interpretDiagnosis } from '../../src/kernel/kernelBridge';
import { delStatement, holderNote, holderRows, inOutputCache, liveDataSummary, readLiveData, shapeText, type LiveDataHolder } from '../../src/kernel/liveData';
import { parseWebviewMessage } from '../../src/shared/protocol';

const MB = 1024 * 1024;

function holder(fields: Partial<LiveDataHolder> & { name: string }): LiveDataHolder {
  return {
    type: 'DataFrame',
    module: 'pandas',
    shape: [10_000_000, 5],
    bytes: 400 * MB,
    sharedBytes: 0,
    sharedWith: null,
    extentBytes: 400 * MB,
    isView: false,
    heldBy: [],
    aliases: [],
    hiddenRefs: [],
    cell: null,
    truncated: false,
    ...fields,
  };
}

const ledgerEntry = (cellId: string, executionOrder: number): LedgerEntry => ({
  cellId,
  label: cellId,
  executionOrder,
  startedAt: 0,
  endedAt: 1,
  startBytes: 0,
  peakBytes: 0,
  endBytes: 0,
  retainedBytes: 0,
  outcome: 'succeeded',
});

describe('reading the kernel answer', () => {
  it('keeps the fields it knows and drops malformed entries', () => {
    const read = readLiveData({
      entries: [{ name: 'df', type: 'DataFrame', module: 'pandas', shape: [3, 2], bytes: 48, sharedBytes: 0, cell: 2, heldBy: ['v', 7] }, { type: 'no name' }, 'junk'],
      totalBytes: 48,
      holders: 1,
      objectsVisited: 1,
      truncated: false,
      seconds: 0.01,
    });
    assert.ok(read);
    assert.equal(read.holders.length, 1);
    assert.deepEqual(read.holders[0].heldBy, ['v']);
    assert.equal(read.holders[0].cell, 2);
    assert.equal(read.holders[0].extentBytes, null);
  });

  it('is null when the kernel measured nothing or failed', () => {
    assert.equal(readLiveData(undefined), null);
    assert.equal(readLiveData(null), null);
    assert.equal(readLiveData({ error: "NameError('x')" }), null);
  });

  it('never keeps more than ten holders, and negative or odd figures read as 0', () => {
    const entries = Array.from({ length: 15 }, (_, i) => ({ name: `x${i}`, bytes: -5, sharedBytes: 'a' }));
    const read = readLiveData({ entries, totalBytes: Number.NaN });
    assert.equal(read?.holders.length, 10);
    assert.equal(read?.holders[0].bytes, 0);
    assert.equal(read?.totalBytes, 0);
  });

  it('goes through interpretDiagnosis', () => {
    const raw = { outputCache: { entries: 0, bytes: 0 }, rssBefore: 500 * MB, collectedObjects: 0, rssAfterCollect: 500 * MB, mallinfoBefore: null, trimmed: true, rssAfterTrim: 500 * MB, mallinfoAfter: null, seconds: 0.2 };
    assert.equal(interpretDiagnosis(raw).liveData, null);
    const withHolders = interpretDiagnosis({ ...raw, liveData: { entries: [{ name: 'big', bytes: 400 * MB }], totalBytes: 400 * MB, holders: 1 } });
    assert.equal(withHolders.liveData?.holders[0].name, 'big');
    // the live-data headline names the largest holders
    assert.match(describeDiagnosis('a.ipynb', withHolders).headline, /live data\. The largest: big \(400 MB\)\./);
    assert.match(describeDiagnosis('a.ipynb', { ...withHolders, liveData: null }).headline, /Look at your variables/);
  });
});

describe('notes, shapes and del statements', () => {
  it('says what a view shares and who else holds an owner', () => {
    assert.equal(holderNote(holder({ name: 'view', type: 'ndarray', module: 'numpy', bytes: 0, sharedBytes: 200 * MB, sharedWith: 'base', isView: true, extentBytes: 100 * MB })), 'view of base');
    assert.equal(holderNote(holder({ name: 'base', heldBy: ['view'] })), 'also held by view: del those too to free it');
    assert.equal(holderNote(holder({ name: 'parts', type: 'list', module: 'builtins', sharedBytes: 40 * MB, sharedWith: 'frames', extentBytes: null })), 'shares 40.0 MB with frames');
  });

  it("names IPython's output cache and a small head() that keeps a whole block alive", () => {
    const note = holderNote(holder({ name: 'Out[6]', shape: [5, 5], bytes: 286 * MB, extentBytes: 332, aliases: ['_6', '_'], hiddenRefs: ['_6'] }));
    assert.equal(note, "IPython's output cache; its 332 B of data keep a 286 MB buffer alive; also _6, _");
    assert.equal(holderNote(holder({ name: 'Out[7]', bytes: 132, sharedBytes: 286 * MB, sharedWith: 'df', isView: true, extentBytes: 332 })), "IPython's output cache; view of df");
  });

  it('says when a user name alone cannot free it, and names what %reset out left behind', () => {
    const df = holder({ name: 'df', aliases: ['Out[2]', '_2'], hiddenRefs: ['_2'] });
    assert.equal(inOutputCache(df), true);
    assert.equal(holderNote(df), 'also Out[2], _2; del frees it only once the output cache is cleared too');
    const orphan = holder({ name: '_4', hiddenRefs: ['_4'] });
    assert.equal(inOutputCache(orphan), true);
    assert.equal(holderNote(orphan), "IPython's output cache (left by %reset out before IPython 8.15)");
    assert.equal(inOutputCache(holder({ name: 'big' })), false);
  });

  it('marks a truncated walk as a lower bound', () => {
    assert.match(holderNote(holder({ name: 'huge', type: 'list', module: 'builtins', truncated: true })), /at least this much/);
  });

  it('formats shapes of arrays, frames and containers', () => {
    assert.equal(shapeText(holder({ name: 'df' })), '10,000,000 × 5');
    assert.equal(shapeText({ module: 'builtins', type: 'dict', shape: [1000] }), '1,000 items');
    assert.equal(shapeText({ module: 'builtins', type: 'Holder', shape: null }), '');
  });

  it("drops every user name of the object, and has none for what only IPython's cache holds", () => {
    assert.equal(delStatement({ name: 'df', aliases: [] }), 'del df');
    assert.equal(delStatement({ name: 'df', aliases: ['frame', 'Out[2]', '_2', '_'] }), 'del df, frame');
    assert.equal(delStatement({ name: 'Out[6]', aliases: ['_6', '__'] }), null);
    assert.equal(delStatement({ name: '_', aliases: [] }), null);
    // every statement it makes passes the protocol's check, nothing else does
    for (const text of ['del df', 'del df, frame']) assert.deepEqual(parseWebviewMessage({ type: 'copyDel', text }), { type: 'copyDel', text });
    for (const text of ['import os; os.remove("x")', 'del df; rm', 'del Out[3]', 'del ', '', '%reset -f']) assert.equal(parseWebviewMessage({ type: 'copyDel', text }), undefined, text);
  });
});

describe('panel rows', () => {
  it("links a holder to the ledger's cell with its execution count, the latest run first", () => {
    const liveData = readLiveData({
      entries: [
        { name: 'df', type: 'DataFrame', module: 'pandas', shape: [10, 2], bytes: 160, cell: 3, aliases: ['Out[3]', '_3'], hiddenRefs: ['_3'] },
        { name: 'old', type: 'ndarray', module: 'numpy', shape: [4], bytes: 32, cell: 1 },
        { name: 'x', type: 'int', module: 'builtins', bytes: 28, cell: null },
      ],
      totalBytes: 220,
      holders: 3,
      seconds: 0.0123,
    })!;
    const rows = holderRows(liveData, [ledgerEntry('nb#a', 3), ledgerEntry('nb#b', 2), ledgerEntry('nb#c', 3)]);
    assert.deepEqual(rows.map((row) => row.cellId), ['nb#c', null, null]);
    assert.equal(rows[0].del, 'del df');
    assert.deepEqual(rows.map((row) => row.clearsWithOutputCache), [true, false, false]);
    assert.equal(rows[0].shape, '10 × 2');
    assert.equal(rows[1].cell, 1, 'the execution count stays even when the ledger does not know the cell');
    assert.equal(liveDataSummary(liveData), '3 variables and cached outputs hold 220 B (measured in 12 ms).');
    assert.match(liveDataSummary({ ...liveData, truncated: true }), /lower bounds/);
    assert.match(liveDataSummary({ ...liveData, holderCount: 1 }), /^1 variable or cached output holds 220 B/);
  });
});
