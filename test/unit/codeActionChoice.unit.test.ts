import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseCodeActions, mayOffer, type CodeActionRequest, type EvidenceMark } from '../../src/python/codeActionChoice';
import { offeredFixes } from '../../src/python/fixCatalogue';
import { PythonSource } from '../../src/python/pythonSource';

// line 0: outer loop, line 1: inner loop (the one the evidence diagnostic sits on)
const NESTED = 'for path in paths:\n    for chunk in read(path):\n        rows.append(chunk.copy())\n';
const fixesAt = (text: string, line: number, notebookCell = false) => offeredFixes(PythonSource.parse(text), line, { everyN: 10, notebookCell });
const request = (trigger: 'invoke' | 'automatic', evidence: EvidenceMark[] = [], only?: string): CodeActionRequest => ({ trigger, only, evidence });
const titles = (req: CodeActionRequest, text = NESTED, line = 1) => chooseCodeActions(req, fixesAt(text, line)).map((a) => `${a.kind}${a.preferred ? '*' : ''} ${a.fix.title}`);

describe('which fixes a code action request gets', () => {
  it('an automatic request on a loop without evidence gets nothing, and needs no parse', () => {
    assert.equal(mayOffer(request('automatic')), false);
    assert.deepEqual(chooseCodeActions(request('automatic'), fixesAt(NESTED, 1)), []);
    assert.equal(mayOffer(request('automatic', [], 'source.organizeImports')), false);
    assert.equal(mayOffer(request('automatic', [{ code: 'staircase', line: 1 }], 'source')), false);
  });

  it('when the user asks, every fix of every enclosing loop, as rewrites', () => {
    const actions = chooseCodeActions(request('invoke'), fixesAt(NESTED, 1));
    assert.equal(actions.length, 18);
    assert.ok(actions.every((a) => a.kind === 'refactor.rewrite' && !a.preferred && a.evidence === undefined));
    assert.equal(actions[0].fix.title, 'Collect cyclic garbage each iteration');
  });

  it('an `only` request for refactor or refactor.rewrite gets the rewrites on either trigger; one for quickfix does not', () => {
    for (const only of ['refactor', 'refactor.rewrite']) {
      assert.equal(mayOffer(request('automatic', [], only)), true, only);
      assert.equal(chooseCodeActions(request('automatic', [], only), fixesAt(NESTED, 1)).length, 18, only);
    }
    assert.deepEqual(chooseCodeActions(request('invoke', [], 'quickfix'), fixesAt(NESTED, 1)), []);
    assert.deepEqual(chooseCodeActions(request('invoke', [], 'refactor.extract'), fixesAt(NESTED, 1)), []);
  });

  it('automatic with evidence: only the quick fixes the evidence calls for, the preferred one first', () => {
    assert.deepEqual(titles(request('automatic', [{ code: 'staircase', line: 1 }])), [
      'quickfix* Collect garbage, then return freed memory to the OS each iteration',
      'quickfix Collect garbage, then return freed memory to the OS every 10 iterations',
      'quickfix Collect garbage, then return freed memory to the OS after the loop',
      'quickfix Return freed memory to the OS (malloc_trim) each iteration',
      'quickfix Return freed memory to the OS (malloc_trim) every 10 iterations',
      'quickfix Return freed memory to the OS (malloc_trim) after the loop',
      'quickfix Collect cyclic garbage each iteration',
      'quickfix Collect cyclic garbage every 10 iterations',
      'quickfix Collect cyclic garbage after the loop',
    ]);
    const sawtooth = titles(request('automatic', [{ code: 'sawtooth-ratchet', line: 1 }]));
    assert.equal(sawtooth[0], 'quickfix* Collect cyclic garbage each iteration');
    assert.equal(sawtooth.length, 6, 'collect, then its alternative both');
    assert.deepEqual(titles(request('automatic', [{ code: 'steady-growth', line: 1 }])), [], 'no edit of the loop helps live data');
  });

  it('asked with evidence: every fix on the diagnosed loop as a quick fix, ranked, then the other loop\'s rewrites', () => {
    const actions = chooseCodeActions(request('invoke', [{ code: 'sawtooth-ratchet', line: 1 }]), fixesAt(NESTED, 1));
    assert.deepEqual(actions.map((a) => a.kind), [...Array(9).fill('quickfix'), ...Array(9).fill('refactor.rewrite')]);
    assert.deepEqual(actions.filter((a) => a.preferred).map((a) => a.fix.title), ['Collect cyclic garbage each iteration']);
    assert.ok(actions.slice(0, 9).every((a) => a.fix.loop?.line === 1 && a.evidence === 0));
    assert.match(actions[6].fix.title, /^Return freed memory to the OS/, 'a kind the evidence does not call for comes last');
    const steady = chooseCodeActions(request('invoke', [{ code: 'steady-growth', line: 1 }]), fixesAt(NESTED, 1));
    assert.equal(steady.filter((a) => a.kind === 'quickfix').length, 9);
    assert.ok(steady.every((a) => !a.preferred));
  });

  it('the output-cache evidence gets display(), preferred; a loop diagnostic never does', () => {
    const cell = 'df = load()\ndf.head()';
    const fixes = fixesAt(cell, 1, true);
    const actions = chooseCodeActions(request('automatic', [{ code: 'output-cache', line: 1 }]), fixes);
    assert.deepEqual(actions.map((a) => [a.kind, a.preferred, a.fix.kind]), [['quickfix', true, 'display']]);
    assert.deepEqual(chooseCodeActions(request('automatic', [{ code: 'staircase', line: 1 }]), fixes), []);
  });

  it('a diagnostic with a code that is not ours still attaches its loop\'s fixes when asked, none preferred', () => {
    const actions = chooseCodeActions(request('invoke', [{ code: 'something-else', line: 1 }]), fixesAt(NESTED, 1));
    assert.equal(actions.filter((a) => a.kind === 'quickfix').length, 9);
    assert.ok(actions.every((a) => !a.preferred));
    assert.deepEqual(chooseCodeActions(request('automatic', [{ code: undefined, line: 1 }]), fixesAt(NESTED, 1)), []);
  });
});
