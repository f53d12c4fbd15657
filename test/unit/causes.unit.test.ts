// The registry of causes and fixes (src/core/causes.ts) and what derives from it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EVIDENCE, FIXES, FIX_KINDS, PATTERNS, isEvidenceCode, isFixKind } from '../../src/core/causes';
import { likelyCause } from '../../src/core/format';
import { FIX_HELP } from '../../src/cli/fixCommand';

describe('causes and fixes registry', () => {
  it('every preferred fix is a fix kind, and every fix kind has a title', () => {
    for (const [code, entry] of Object.entries(EVIDENCE)) {
      if (entry.preferredFix !== undefined) assert.ok(isFixKind(entry.preferredFix), `${code} prefers ${entry.preferredFix}`);
      assert.ok(entry.cause.length > 0, code);
    }
    assert.deepEqual(Object.keys(FIXES).sort(), [...FIX_KINDS].sort());
    assert.equal(new Set(Object.values(FIXES).map((fix) => fix.title)).size, FIX_KINDS.length, 'titles tell the fixes apart');
  });

  it('the patterns the detector reports each have a cause; every growing one is evidence', () => {
    for (const pattern of Object.keys(PATTERNS) as (keyof typeof PATTERNS)[]) {
      assert.equal(likelyCause(pattern), PATTERNS[pattern].likelyCause);
      assert.equal(isEvidenceCode(pattern), pattern !== 'flat', pattern);
    }
    assert.equal(isEvidenceCode('output-cache'), true);
  });

  it('alternatives are other fix kinds, never the preferred one, never repeated', () => {
    for (const [code, entry] of Object.entries(EVIDENCE)) {
      for (const kind of entry.alternatives) assert.ok(isFixKind(kind), `${code} offers ${kind}`);
      assert.equal(entry.alternatives.includes(entry.preferredFix as never), false, `${code} lists its preferred fix again`);
      assert.equal(new Set(entry.alternatives).size, entry.alternatives.length, code);
    }
  });

  it("fix --help lists every fix kind with the registry's words", () => {
    for (const kind of FIX_KINDS) {
      assert.match(FIX_HELP, new RegExp(`^  ${kind} +${FIXES[kind].edit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'), kind);
    }
  });

  it('recognises only its own codes and kinds', () => {
    for (const value of ['toString', '__proto__', 'constructor', '', 'flat', 42, undefined]) assert.equal(isEvidenceCode(value), false, String(value));
    for (const value of ['toString', 'gc', 'COLLECT', undefined]) assert.equal(isFixKind(value), false, String(value));
  });
});
