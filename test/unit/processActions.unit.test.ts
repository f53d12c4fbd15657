// The actions offered for a process follow its kind: a kernel with its notebook gets the kernel
// actions, a script gets its evidence, fix and file, and never "Diagnose in kernel".
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EVIDENCE, type EvidenceCode } from '../../src/core/causes';
import { PROCESS_ACTIONS, processActions } from '../../src/model/processActions';
import type { ProcessView } from '../../src/shared/protocol';

function processView(overrides: Partial<ProcessView>): ProcessView {
  return {
    key: 'k', pid: 1, label: 'p', source: 'terminal', rssBytes: 1, measure: 'rss', measureNote: null, summedRssBytes: 1, childCount: 0, pattern: 'staircase', alarm: true,
    troughSlopeBytesPerSec: 0, growthBytes: 0, teeth: 0, limitBytes: null, limitSource: null, secondsToLimit: null, exited: false,
    ...overrides,
  };
}

const notebook = 'file:///w/a.ipynb';
const script = 'file:///w/job.py';

describe('process actions', () => {
  it('a kernel with its notebook: diagnose, release, the ledger, whatever the evidence', () => {
    for (const evidence of [undefined, 'staircase', 'output-cache'] as const) {
      assert.deepEqual(processActions(processView({ source: 'kernel', resourceUri: notebook }), { evidence }), ['diagnose', 'release', 'showLedger']);
    }
  });

  it('a kernel whose notebook is unknown, or that exited, cannot be reached: nothing', () => {
    assert.deepEqual(processActions(processView({ source: 'kernel', key: 'kernel:/tmp/k.json' }), { evidence: undefined }), []);
    assert.deepEqual(processActions(processView({ source: 'kernel', resourceUri: notebook, exited: true }), { evidence: undefined }), []);
  });

  it('a Jupyter Server kernel: diagnose and release over the server while it reports memory; nothing once ended or silent', () => {
    assert.deepEqual(processActions(processView({ source: 'remote' }), { evidence: undefined }), ['diagnose', 'release']);
    assert.deepEqual(processActions(processView({ source: 'remote', status: 'not answering' }), { evidence: undefined }), []);
    assert.deepEqual(processActions(processView({ source: 'remote', exited: true }), { evidence: undefined }), []);
  });

  it('a script or debuggee with evidence: the loop, the preferred fix, the script; never a kernel action', () => {
    for (const source of ['terminal', 'debug', 'manual'] as const) {
      const actions = processActions(processView({ source, resourceUri: script }), { evidence: 'staircase' });
      assert.deepEqual(actions, ['showEvidence', 'applyPreferredFix', 'openScript'], source);
      assert.ok(!actions.some((a) => a === 'diagnose' || a === 'release' || a === 'showLedger'));
    }
  });

  it('offers "apply the preferred fix" only where the evidence has one', () => {
    for (const evidence of Object.keys(EVIDENCE) as EvidenceCode[]) {
      const actions = processActions(processView({ resourceUri: script }), { evidence });
      assert.equal(actions.includes('applyPreferredFix'), EVIDENCE[evidence].preferredFix !== undefined, evidence);
    }
  });

  it('without evidence a script gets its file; without a file, nothing; an exited script still its file', () => {
    assert.deepEqual(processActions(processView({ resourceUri: script }), { evidence: undefined }), ['openScript']);
    assert.deepEqual(processActions(processView({}), { evidence: undefined }), []);
    assert.deepEqual(processActions(processView({ resourceUri: 'untitled:Untitled-1' }), { evidence: undefined }), [], 'not a file');
    assert.deepEqual(processActions(processView({ resourceUri: script, exited: true }), { evidence: undefined }), ['openScript']);
  });

  it('words each action, and only the kernel says "in kernel"', () => {
    assert.equal(PROCESS_ACTIONS.diagnose.title, 'Diagnose in kernel');
    assert.equal(PROCESS_ACTIONS.showEvidence.title, 'Show the loop');
    const scriptTitles = processActions(processView({ resourceUri: script }), { evidence: 'sawtooth-ratchet' }).map((kind) => PROCESS_ACTIONS[kind].title);
    assert.deepEqual(scriptTitles, ['Show the loop', 'Apply the preferred fix', 'Open script']);
  });
});
