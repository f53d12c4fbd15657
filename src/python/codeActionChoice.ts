// Which of the offered fixes a code action request gets, following VS Code's etiquette (as the
// TypeScript extension does for its refactorings): a loop without evidence is no problem, so its
// rewrites come only when the user asks (Ctrl+., the Refactor… menu, an `only` request for
// refactor.rewrite); the light bulb appears by itself only for this extension's evidence
// diagnostics, with the fix the evidence calls for first. Pure (no `vscode`).

import { EVIDENCE, isEvidenceCode, type FixKind } from '../core/causes';
import type { OfferedFix } from './fixCatalogue';

/** VS Code's CodeActionKind values this extension uses. */
export const QUICK_FIX = 'quickfix';
export const REWRITE = 'refactor.rewrite';
export type ChosenKind = typeof QUICK_FIX | typeof REWRITE;

/** One of this extension's evidence diagnostics in the request's context. */
export interface EvidenceMark {
  /** The diagnostic's code (an EvidenceCode from core/causes.ts when it is ours). */
  readonly code: string | undefined;
  /** 0-based line the diagnostic starts on: a loop's header, or a cached last expression. */
  readonly line: number;
}

export interface CodeActionRequest {
  /** `invoke`: the user asked (Ctrl+., a menu); `automatic`: the editor asks as the cursor moves. */
  readonly trigger: 'invoke' | 'automatic';
  /** `context.only` (e.g. `refactor`, `quickfix`); undefined when the request takes every kind. */
  readonly only: string | undefined;
  readonly evidence: readonly EvidenceMark[];
}

export interface ChosenAction {
  readonly fix: OfferedFix;
  readonly kind: ChosenKind;
  /** Index in `request.evidence` of the diagnostic this quick fix resolves (none for a rewrite). */
  readonly evidence: number | undefined;
  readonly preferred: boolean;
}

/** Whether `only` admits actions of this kind (VS Code's CodeActionKind.contains). */
function admits(only: string | undefined, kind: ChosenKind): boolean {
  return only === undefined || only === '' || kind === only || kind.startsWith(`${only}.`);
}

/** The user asked for actions of this kind: an explicit invocation, or an `only` naming it. */
function asked(request: CodeActionRequest, kind: ChosenKind): boolean {
  return admits(request.only, kind) && (request.trigger === 'invoke' || (request.only !== undefined && request.only !== ''));
}

/** Whether the request can get anything at all: without it the provider need not even parse the text. */
export function mayOffer(request: CodeActionRequest): boolean {
  return asked(request, REWRITE) || (request.evidence.length > 0 && admits(request.only, QUICK_FIX));
}

/** The evidence a fix resolves: the diagnostic on its loop's header, or the output-cache one for display(). */
function evidenceFor(fix: OfferedFix, evidence: readonly EvidenceMark[]): number | undefined {
  const index = evidence.findIndex((mark) => (fix.kind === 'display' ? mark.code === 'output-cache' : mark.code !== 'output-cache' && mark.line === fix.loop?.line));
  return index < 0 ? undefined : index;
}

/** The kinds the evidence calls for, best first: the preferred fix, then the registry's alternatives. */
function calledFor(code: string | undefined): readonly FixKind[] {
  if (!isEvidenceCode(code)) return [];
  const entry = EVIDENCE[code];
  return entry.preferredFix ? [entry.preferredFix, ...entry.alternatives] : entry.alternatives;
}

const PLACEMENT_ORDER = { each: 0, every: 1, after: 2 } as const;

/**
 * The actions for one request, in the order shown. Quick fixes (fixes on a diagnosed loop or
 * expression) come first: on an automatic request only the kinds the evidence calls for, when
 * asked every kind; ranked preferred, alternatives, the rest; each iteration before every N before
 * after the loop. The preferred one (the evidence's preferred kind, each iteration) is marked.
 * Rewrites (every other fix) follow in the catalogue's order, only when asked.
 */
export function chooseCodeActions(request: CodeActionRequest, fixes: readonly OfferedFix[]): ChosenAction[] {
  const quickFixes: Array<ChosenAction & { rank: number }> = [];
  const rewrites: ChosenAction[] = [];
  const quickFixAsked = asked(request, QUICK_FIX);
  for (const fix of fixes) {
    const evidence = evidenceFor(fix, request.evidence);
    if (evidence === undefined) {
      if (asked(request, REWRITE)) rewrites.push({ fix, kind: REWRITE, evidence: undefined, preferred: false });
      continue;
    }
    if (!admits(request.only, QUICK_FIX)) continue;
    const kinds = calledFor(request.evidence[evidence].code);
    const kindRank = kinds.indexOf(fix.kind);
    if (kindRank < 0 && !quickFixAsked) continue;
    const rank = (kindRank < 0 ? kinds.length : kindRank) * 3 + PLACEMENT_ORDER[fix.placement.kind];
    quickFixes.push({ fix, kind: QUICK_FIX, evidence, preferred: false, rank });
  }
  quickFixes.sort((a, b) => a.rank - b.rank);
  const withPreferred = new Set<number>();
  const ranked = quickFixes.map(({ fix, kind, evidence }): ChosenAction => {
    const code = request.evidence[evidence!].code;
    const preferred = isEvidenceCode(code) && fix.kind === EVIDENCE[code].preferredFix && fix.placement.kind === 'each' && !withPreferred.has(evidence!);
    if (preferred) withPreferred.add(evidence!);
    return { fix, kind, evidence, preferred };
  });
  return [...ranked, ...rewrites];
}
