// What a release fix adds once per file at the top: `import gc` and the guarded trim helper,
// placed after whatever must stay first (shebang, encoding line, docstring, __future__ imports,
// a cell magic line). Pure (no `vscode`).

import type { FixKind } from '../core/causes';
import type { PythonSource } from './pythonSource';
import type { TextEdit } from './textEdits';

export const TRIM_HELPER_NAME = '_kmw_malloc_trim';

/**
 * The guarded trim: glibc's malloc_trim(0) hands freed heap pages back to the OS. Loaded once
 * (cached in a module global), never raises: on macOS, Windows, musl or when libc.so.6 cannot
 * be loaded it does nothing; under jemalloc/tcmalloc glibc's trim only trims glibc's own,
 * unused heap, which is harmless.
 */
export function trimHelperLines(indentUnit: string): string[] {
  const i = indentUnit;
  return [
    `def ${TRIM_HELPER_NAME}():`,
    `${i}"""Return freed heap memory to the OS (glibc malloc_trim); does nothing elsewhere."""`,
    `${i}global _kmw_trim`,
    `${i}try:`,
    `${i}${i}trim = _kmw_trim`,
    `${i}except NameError:`,
    `${i}${i}trim = None`,
    `${i}${i}try:`,
    `${i}${i}${i}import ctypes`,
    `${i}${i}${i}trim = getattr(ctypes.CDLL("libc.so.6"), "malloc_trim", None)`,
    `${i}${i}except Exception:`,
    `${i}${i}${i}pass`,
    `${i}${i}_kmw_trim = trim`,
    `${i}if trim is not None:`,
    `${i}${i}try:`,
    `${i}${i}${i}trim(0)`,
    `${i}${i}except Exception:`,
    `${i}${i}${i}pass`,
  ];
}

/** The import and helper a release fix of this kind needs, inserted where module code may start; undefined when both are there. */
export function preambleEdit(source: PythonSource, kind: Exclude<FixKind, 'display'>): TextEdit | undefined {
  const { text, eol } = source;
  let preamble = '';
  if (kind !== 'trim' && !hasTopLevelImport(text, 'gc')) preamble += `import gc${eol}`;
  if (kind !== 'collect' && !hasHelper(text)) preamble += trimHelperLines(source.indentUnit).join(eol) + eol + eol;
  if (!preamble) return undefined;
  const top = preambleEnd(source);
  return { start: top, end: top, text: (top > 0 && !/\n$/.test(text.slice(0, top)) ? eol : '') + preamble };
}

/** Where module-level code may start: after a shebang, encoding line, docstring, __future__ imports, cell magics. */
export function preambleEnd(source: PythonSource): number {
  let line = 0;
  while (line < source.lineCount) {
    const text = source.lineText(line);
    if ((line <= 1 && (/^#!/.test(text) || /^#.*coding[:=]/.test(text))) || /^%%/.test(text)) line++;
    else break;
  }
  let offset = source.lineStart(line);
  for (let node = source.tree.topNode.firstChild; node; node = node.nextSibling) {
    if (node.to <= offset) continue;
    const text = source.text.slice(node.from, node.to);
    const isDocstring = node.name === 'ExpressionStatement' && /^[rRbBuU]{0,2}("""|'''|"|')/.test(text) && node.from === firstCodeOffset(source.text, offset);
    const isFuture = node.name === 'ImportStatement' && /^from\s+__future__\s+import\b/.test(text);
    if (isDocstring || isFuture) {
      offset = source.lineStart(source.lineOf(node.to - 1) + 1);
      continue;
    }
    if (node.name === 'Comment') continue;
    break;
  }
  return offset;
}

function firstCodeOffset(text: string, from: number): number {
  const match = /^(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]*/.exec(text.slice(from));
  return from + (match ? match[0].length : 0);
}

function hasTopLevelImport(text: string, module: string): boolean {
  return new RegExp(`^(?:import\\s+(?:[\\w.]+\\s*,\\s*)*${module}\\b(?!\\s*\\.)|import\\s+${module}\\s*(?:,|$))`, 'm').test(text);
}

function hasHelper(text: string): boolean {
  return new RegExp(`^def\\s+${TRIM_HELPER_NAME}\\s*\\(`, 'm').test(text);
}
