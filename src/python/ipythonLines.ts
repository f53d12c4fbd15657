// Which lines of a notebook cell IPython itself rewrites before Python sees them (magics, shell
// escapes, help) and cells that a cell magic takes whole: none of them is Python that the fixes
// may edit or that IPython caches in Out[n]. Pure (no `vscode`); mirrors IPython.core.inputtransformer2.

export type IPythonLineKind = 'python' | 'magic' | 'shell' | 'help';

/** `x = !ls`, `x = %time f()`: IPython's assign-from-system / assign-from-magic forms. */
const ASSIGNED_ESCAPE = /^[\w.,\s[\]()*]+?\s*=\s*[!%]/;

/** How IPython treats one physical line (a line inside a bracket or string is the caller's business). */
export function ipythonLineKind(line: string): IPythonLineKind {
  const text = line.trim();
  if (text.startsWith('!')) return 'shell';
  if (text.startsWith('%')) return 'magic';
  if (text.startsWith('?')) return 'help';
  if (ASSIGNED_ESCAPE.test(text) && !/^[\w.\s]*==/.test(text)) return text.includes('=!') || /=\s*!/.test(text) ? 'shell' : 'magic';
  // `df.merge?`, `df.merge??`: help, unless the `?` is inside a comment
  if (/^[\w.[\]'"]+\?{1,2}$/.test(text.replace(/\s+#.*$/, ''))) return 'help';
  return 'python';
}

/** IPython hands a cell whose first line is `%%name` to that magic whole: none of it is Python. */
export function isCellMagicCell(source: string): boolean {
  const first = source.split(/\r?\n/).find((line) => line.trim() !== '');
  return first !== undefined && first.trimStart().startsWith('%%');
}
