// display() instead of a notebook cell's cached last expression: IPython keeps the value of a
// cell's last expression in Out[n] and `_`, display() shows it without keeping it. Pure.

import { ipythonLineKind, isCellMagicCell } from './ipythonLines';
import type { PythonSource } from './pythonSource';
import type { TextEdit } from './textEdits';

const NOT_CACHED = /^(print|display|plt\.show|[\w.]*\.show|[\w.]*\.to_csv|[\w.]*\.to_parquet|[\w.]*\.append|[\w.]*\.extend|[\w.]*\.update)\s*\(/;

export interface CachedExpression {
  readonly from: number;
  readonly to: number;
  readonly text: string;
}

/** The last statement of a cell when IPython would store its value in Out[] (and `_`). */
export function cachedLastExpression(source: PythonSource): CachedExpression | undefined {
  // IPython rewrites magics, `!` lines and help before Python runs; none of them is cached
  if (isCellMagicCell(source.text)) return undefined;
  const codeLines = source.text.split(/\r?\n/).filter((text) => !/^\s*(#.*)?$/.test(text));
  if (codeLines.length === 0 || ipythonLineKind(codeLines[codeLines.length - 1]) !== 'python') return undefined;
  let last = source.tree.topNode.lastChild;
  while (last && (last.name === 'Comment' || last.type.isError)) last = last.prevSibling;
  if (!last || last.name !== 'ExpressionStatement') return undefined;
  const text = source.text.slice(last.from, last.to).trimEnd();
  if (isSilenced(source) || hasPythonSyntaxError(source)) return undefined;
  if (NOT_CACHED.test(text) || /^(await\s+)?(None|True|False|\.\.\.)$/.test(text)) return undefined;
  return { from: last.from, to: last.from + text.length, text };
}

/**
 * A cell that does not compile caches nothing. The parser flags the IPython lines too (`!`, `%`,
 * `?` are not Python; IPython rewrites them), so only errors on the other lines count: an
 * automagic such as `ls data` (IPython runs `%ls data`) is one of those.
 */
function hasPythonSyntaxError(source: PythonSource): boolean {
  let found = false;
  source.tree.iterate({
    enter(node) {
      if (found) return false;
      if (node.type.isError && ipythonLineKind(source.lineText(source.lineOf(node.from))) === 'python') found = true;
      return undefined;
    },
  });
  return found;
}

/**
 * IPython's DisplayHook.quiet: the output is silenced when the cell's last token other than
 * comments and newlines is `;` (`plt.plot(x);  # note` is silenced, `x  # a;` is not).
 */
function isSilenced(source: PythonSource): boolean {
  let lastToken: { name: string; to: number } | undefined;
  source.tree.iterate({
    enter(node) {
      if (node.node.firstChild || node.name === 'Comment' || node.from === node.to) return;
      if (!lastToken || node.to >= lastToken.to) lastToken = { name: node.name, to: node.to };
    },
  });
  return lastToken?.name === ';';
}

export function displayEdits(source: PythonSource): TextEdit[] | undefined {
  const expression = cachedLastExpression(source);
  if (!expression) return undefined;
  return [{ start: expression.from, end: expression.to, text: `display(${expression.text})` }];
}
