// Which loop to blame: the one most likely to allocate (DataFrame/array construction, read_*,
// .copy(), append/concat), by counting such calls in each loop of a file or cell. Pure.

import { cachedLastExpression } from './displayFix';
import { allLoops, type PythonLoop } from './pythonLoops';
import type { PythonSource } from './pythonSource';

const ALLOCATING = /\b(pd\.)?(DataFrame|Series)\s*\(|\bnp\.(array|zeros|ones|empty|random\.\w+|concatenate|stack)\s*\(|\bread_\w+\s*\(|\.copy\s*\(|\.append\s*\(|\bconcat\s*\(|\.merge\s*\(|\bbytes\s*\(|\bbytearray\s*\(/g;

export function allocationScore(text: string): number {
  return (text.match(ALLOCATING) ?? []).length;
}

/** The loop most likely to allocate (innermost wins a tie), or undefined when there is none. */
export function mostAllocatingLoop(source: PythonSource): PythonLoop | undefined {
  let best: { loop: PythonLoop; score: number } | undefined;
  for (const loop of allLoops(source)) {
    const score = allocationScore(source.text.slice(loop.from, loop.to));
    if (!best || score > best.score || (score === best.score && score > 0 && loop.from > best.loop.from && loop.to <= best.loop.to)) best = { loop, score };
  }
  return best?.loop;
}

export type EvidenceTarget = { readonly kind: 'loop'; readonly loop: PythonLoop } | { readonly kind: 'cached-expression'; readonly from: number; readonly to: number };

/** Where a diagnostic goes in a cell or script: the allocating loop, else a cached last expression. */
export function evidenceTarget(source: PythonSource, isNotebookCell: boolean): EvidenceTarget | undefined {
  const loop = mostAllocatingLoop(source);
  if (loop) return { kind: 'loop', loop };
  if (isNotebookCell) {
    const expression = cachedLastExpression(source);
    if (expression) return { kind: 'cached-expression', from: expression.from, to: expression.to };
  }
  return undefined;
}
