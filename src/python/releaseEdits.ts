// The release fixes on one loop: gc.collect() / the guarded malloc_trim / both, each iteration,
// every N iterations or once after the loop. Pure (no `vscode`).

import type { FixKind } from '../core/causes';
import { preambleEdit, TRIM_HELPER_NAME } from './preamble';
import { firstBodyLineStart, type PythonLoop } from './pythonLoops';
import { indentOf, type PythonSource } from './pythonSource';
import type { TextEdit } from './textEdits';

export type ReleaseKind = Exclude<FixKind, 'display'>;
export type FixPlacement = { readonly kind: 'each' } | { readonly kind: 'every'; readonly n: number } | { readonly kind: 'after' };

function releaseCalls(kind: ReleaseKind): string[] {
  if (kind === 'collect') return ['gc.collect()'];
  if (kind === 'trim') return [`${TRIM_HELPER_NAME}()`];
  return ['gc.collect()', `${TRIM_HELPER_NAME}()`]; // the trim can only return what was freed
}

/** Whether the loop already makes this call (so the fix is not offered again). */
function loopCalls(source: PythonSource, loop: PythonLoop, call: string): boolean {
  return source.text.slice(loop.from, loop.to).includes(call);
}

/** Whether the statements right after the loop (at its indentation) already make these calls. */
function afterLoopCalls(source: PythonSource, loop: PythonLoop, calls: readonly string[]): boolean {
  const following: string[] = [];
  for (let line = loop.lastLine + 1; line < source.lineCount && following.length < calls.length; line++) {
    const text = source.lineText(line);
    if (text.trim() === '') continue;
    if (indentOf(text) !== loop.indent) break;
    following.push(text.trim());
  }
  return calls.every((call, i) => following[i] === call);
}

/** The edits for one fix on one loop; undefined when the fix is already there. */
export function loopFixEdits(source: PythonSource, loop: PythonLoop, kind: ReleaseKind, placement: FixPlacement): TextEdit[] | undefined {
  const calls = releaseCalls(kind);
  const alreadyInLoop = calls.every((call) => loopCalls(source, loop, call));
  if (alreadyInLoop || (placement.kind === 'after' && afterLoopCalls(source, loop, calls))) return undefined;
  const edits = placement.kind === 'after' ? [afterLoopEdit(source, loop, calls)] : inBodyEdits(source, loop, calls, placement);
  const preamble = preambleEdit(source, kind);
  if (preamble) edits.push(preamble);
  return edits;
}

function afterLoopEdit(source: PythonSource, loop: PythonLoop, calls: readonly string[]): TextEdit {
  const { text, eol } = source;
  const at = source.lineStart(loop.lastLine + 1);
  const prefix = at === text.length && !text.endsWith('\n') ? eol : '';
  return { start: at, end: at, text: prefix + calls.map((call) => `${loop.indent}${call}${eol}`).join('') };
}

function inBodyEdits(source: PythonSource, loop: PythonLoop, calls: readonly string[], placement: FixPlacement): TextEdit[] {
  const { eol } = source;
  const unit = source.indentUnit;
  // a block body's own indentation, whatever the file does elsewhere; inline bodies get one unit
  const bodyIndent = loop.inline ? loop.indent + unit : indentOf(source.lineText(source.lineOf(firstBodyLineStart(source, loop))));
  const edits: TextEdit[] = [];
  let statements = [...calls];
  if (placement.kind === 'every') {
    const n = Math.max(1, Math.floor(placement.n));
    let counter = loop.indexVariable;
    const counting: string[] = [];
    if (!counter) {
      counter = `_kmw_count_${loop.line + 1}`;
      const headerStart = source.lineStart(loop.line);
      edits.push({ start: headerStart, end: headerStart, text: `${loop.indent}${counter} = 0${eol}` });
      counting.push(`${counter} += 1`);
    }
    statements = [...counting, `if ${counter} % ${n} == 0:`, ...calls.map((call) => `${unit}${call}`)];
  }
  // First in the body: it runs on every iteration, also those cut short by `continue`, and
  // releases the garbage the previous iteration left (only the last one's waits until after
  // the loop). A try/finally would move the user's whole body one level in.
  const inserted = statements.map((statement) => `${bodyIndent}${statement}${eol}`).join('');
  if (loop.inline) {
    const end = source.lineEnd(loop.line);
    const rest = source.text.slice(loop.colon + 1, end).trim();
    edits.unshift({ start: loop.colon + 1, end, text: `${eol}${inserted}${bodyIndent}${rest}` });
  } else {
    const body = firstBodyLineStart(source, loop);
    edits.unshift({ start: body, end: body, text: inserted });
  }
  return edits;
}
