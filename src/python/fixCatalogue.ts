// Which fixes apply where: every fix a code action provider offers at a line, and the one fix the
// CLI's `fix` applies. Pure (no `vscode`).

import { FIXES, type FixKind } from '../core/causes';
import { cachedLastExpression, displayEdits } from './displayFix';
import { isCellMagicCell } from './ipythonLines';
import { loopsAt, type PythonLoop } from './pythonLoops';
import type { PythonSource } from './pythonSource';
import { loopFixEdits, type FixPlacement } from './releaseEdits';
import type { TextEdit } from './textEdits';

export interface OfferedFix {
  readonly title: string;
  readonly kind: FixKind;
  readonly placement: FixPlacement;
  readonly loop: PythonLoop | undefined;
  readonly edits: readonly TextEdit[];
}

export interface FixOptions {
  /** N for "every N iterations". */
  readonly everyN?: number;
  /** A notebook cell: the helper goes into the cell, display() applies. */
  readonly notebookCell?: boolean;
}

export class FixNotApplicableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FixNotApplicableError';
  }
}

/** Every fix offered at a 0-based line: per enclosing loop (innermost first) and, in a cell, display(). */
export function offeredFixes(source: PythonSource, line: number, options: FixOptions = {}): OfferedFix[] {
  const fixes: OfferedFix[] = [];
  // a `%%magic` cell is handed to the magic whole: no Python fix applies
  if (options.notebookCell && isCellMagicCell(source.text)) return fixes;
  const everyN = options.everyN ?? 10;
  loopsAt(source, line).forEach((loop, depth) => {
    const where = depth === 0 ? '' : ` (enclosing ${loop.keyword} loop, line ${loop.line + 1})`;
    for (const kind of ['collect', 'trim', 'both'] as const) {
      const placements: Array<[FixPlacement, string]> = [
        [{ kind: 'each' }, 'each iteration'],
        [{ kind: 'every', n: everyN }, `every ${everyN} iterations`],
        [{ kind: 'after' }, 'after the loop'],
      ];
      for (const [placement, label] of placements) {
        const edits = loopFixEdits(source, loop, kind, placement);
        if (edits) fixes.push({ title: `${FIXES[kind].title} ${label}${where}`, kind, placement, loop, edits });
      }
    }
  });
  if (options.notebookCell) {
    const expression = cachedLastExpression(source);
    if (expression && source.lineOf(expression.from) <= line && line <= source.lineOf(expression.to)) {
      fixes.push({ title: FIXES.display.title, kind: 'display', placement: { kind: 'each' }, loop: undefined, edits: displayEdits(source)! });
    }
  }
  return fixes;
}

/** The one fix the CLI's `fix` applies: innermost loop at a 1-based line (or the cell's last expression). */
export function fixAtLine(source: PythonSource, line1: number, kind: FixKind, placement: FixPlacement): { edits: TextEdit[]; alreadyThere: boolean } {
  if (kind === 'display') {
    const expression = cachedLastExpression(source);
    if (!expression) {
      if (/^\s*display\(/m.test(source.text)) return { edits: [], alreadyThere: true };
      throw new FixNotApplicableError('display applies to a last line that is an expression IPython would cache (Out[n], _); there is none');
    }
    const first = source.lineOf(expression.from);
    if (line1 - 1 < first || line1 - 1 > source.lineOf(expression.to)) {
      throw new FixNotApplicableError(`line ${line1} is not the cell's cached last expression (line ${first + 1})`);
    }
    return { edits: displayEdits(source)!, alreadyThere: false };
  }
  const loop = loopsAt(source, line1 - 1)[0];
  if (!loop) throw new FixNotApplicableError(`line ${line1} is in no for or while loop`);
  const edits = loopFixEdits(source, loop, kind, placement);
  return edits ? { edits, alreadyThere: false } : { edits: [], alreadyThere: true };
}
