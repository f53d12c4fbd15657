// The edits behind the quick fixes: gc.collect() / a guarded malloc_trim / both, each iteration,
// every N iterations or after the loop, and display() instead of a cached last expression.
// Pure (no `vscode`): parses with @lezer/python, which also parses files that are being typed.

import { parser } from '@lezer/python';
import { TreeFragment, type SyntaxNode, type Tree } from '@lezer/common';
import { FIXES, type FixKind } from '../core/causes';
import { ipythonLineKind, isCellMagicCell, isSilenced } from './ipythonLines';

export type { FixKind } from '../core/causes';
export type FixPlacement = { readonly kind: 'each' } | { readonly kind: 'every'; readonly n: number } | { readonly kind: 'after' };

/** A replacement of source[start, end) by text (offsets in UTF-16 code units, like VS Code's). */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface PythonLoop {
  readonly keyword: 'for' | 'while' | 'async for';
  readonly from: number;
  readonly to: number;
  /** 0-based line of the header. */
  readonly line: number;
  readonly header: string;
  readonly indent: string;
  /** The body is on the header's line (`for x in y: f(x)`). */
  readonly inline: boolean;
  /** Loop variable usable as an iteration index: `for i in range(...)`, `for i, x in enumerate(...)`. */
  readonly indexVariable: string | undefined;
}

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

// ---- parsing, cached per text -----------------------------------------------------------------

/** The last few parses: a code action request asks several questions of one document version. */
const treeCache = new Map<string, Tree>();
const TREE_CACHE_SIZE = 4;

function parse(source: string): Tree {
  let tree = treeCache.get(source);
  if (tree) {
    treeCache.delete(source);
  } else {
    tree = parseIncrementally(source);
    if (treeCache.size >= TREE_CACHE_SIZE) treeCache.delete(treeCache.keys().next().value!);
  }
  treeCache.set(source, tree);
  return tree;
}

/**
 * A full parse of 100 KB takes ≈25 ms; the user changes a few characters between two requests.
 * Reuse the latest tree: the changed range is what lies between the common prefix and suffix of
 * the two texts, and lezer re-parses only around it (≈1-2 ms).
 */
function parseIncrementally(source: string): Tree {
  let previousText: string | undefined;
  let previousTree: Tree | undefined;
  for (const [text, tree] of treeCache) {
    previousText = text;
    previousTree = tree;
  }
  if (previousText === undefined || previousTree === undefined) return parser.parse(source);
  const max = Math.min(previousText.length, source.length);
  let prefix = 0;
  while (prefix < max && previousText.charCodeAt(prefix) === source.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && previousText.charCodeAt(previousText.length - 1 - suffix) === source.charCodeAt(source.length - 1 - suffix)) suffix++;
  const fragments = TreeFragment.applyChanges(TreeFragment.addTree(previousTree), [
    { fromA: prefix, toA: previousText.length - suffix, fromB: prefix, toB: source.length - suffix },
  ]);
  return parser.parse(source, fragments);
}

interface Lines {
  readonly starts: number[];
  readonly eol: string;
  unit?: string;
}

/** Per text: the line index and indentation unit, asked for by every fix of one request. */
const linesCache = new Map<string, Lines>();

function lineIndex(source: string): Lines {
  let lines = linesCache.get(source);
  if (!lines) {
    lines = buildLineIndex(source);
    if (linesCache.size >= TREE_CACHE_SIZE) linesCache.delete(linesCache.keys().next().value!);
    linesCache.set(source, lines);
  }
  return lines;
}

function buildLineIndex(source: string): Lines {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) starts.push(i + 1);
  return { starts, eol: source.includes('\r\n') ? '\r\n' : '\n' };
}

function lineOf(lines: Lines, offset: number): number {
  let lo = 0;
  let hi = lines.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines.starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function lineText(source: string, lines: Lines, line: number): string {
  const start = lines.starts[line];
  const end = line + 1 < lines.starts.length ? lines.starts[line + 1] : source.length;
  return source.slice(start, end).replace(/\r?\n$/, '');
}

function indentOf(text: string): string {
  return /^[ \t]*/.exec(text)![0];
}

/**
 * The file's indentation unit: how much a block's first line is indented past its header (the
 * first line ending in ':'), else four spaces. Continuation lines inside brackets are ignored.
 */
function indentUnit(source: string, lines: Lines): string {
  lines.unit ??= detectIndentUnit(source, lines);
  return lines.unit;
}

function detectIndentUnit(source: string, lines: Lines): string {
  for (let line = 0; line + 1 < lines.starts.length; line++) {
    const text = lineText(source, lines, line);
    if (!/:\s*(#.*)?$/.test(text) || text.trim().startsWith('#')) continue;
    let next = line + 1;
    while (next < lines.starts.length && lineText(source, lines, next).trim() === '') next++;
    if (next >= lines.starts.length) break;
    const indent = indentOf(text);
    const inner = indentOf(lineText(source, lines, next));
    if (inner.length > indent.length && inner.startsWith(indent)) return inner.slice(indent.length);
  }
  return '    ';
}

// ---- loops ---------------------------------------------------------------------------------------

function describeLoop(source: string, lines: Lines, node: SyntaxNode): PythonLoop {
  const line = lineOf(lines, node.from);
  const header = lineText(source, lines, line);
  const body = node.getChild('Body');
  const bodyStartLine = body ? lineOf(lines, body.from) : line;
  const afterColon = body ? source.slice(body.from + 1, body.to).split(/\r?\n/)[0] : '';
  const inline = !!body && bodyStartLine === line && afterColon.trim() !== '' && !afterColon.trim().startsWith('#');
  const text = source.slice(node.from, body ? body.from : node.to);
  const keyword = /^async\s+for\b/.test(text) ? 'async for' : text.startsWith('while') ? 'while' : 'for';
  let indexVariable: string | undefined;
  const range = /^for\s+([A-Za-z_]\w*)\s+in\s+range\s*\(/.exec(text);
  const enumerated = /^for\s+\(?\s*([A-Za-z_]\w*)\s*,[^)]*?\)?\s+in\s+enumerate\s*\(/.exec(text);
  if (range) indexVariable = range[1];
  else if (enumerated) indexVariable = enumerated[1];
  return { keyword, from: node.from, to: node.to, line, header, indent: indentOf(header), inline, indexVariable };
}

/** The loops enclosing a 0-based line, innermost first (on its header or anywhere in its body). */
export function loopsAt(source: string, line: number): PythonLoop[] {
  const lines = lineIndex(source);
  if (line < 0 || line >= lines.starts.length) return [];
  const tree = parse(source);
  const lineStart = lines.starts[line];
  const lineEnd = line + 1 < lines.starts.length ? lines.starts[line + 1] - 1 : source.length;
  const found: PythonLoop[] = [];
  // any position on the line inside the loop counts: try the first non-blank character
  const firstChar = lineStart + indentOf(lineText(source, lines, line)).length;
  const probe = Math.min(Math.max(firstChar, lineStart), Math.max(lineStart, lineEnd));
  for (let node: SyntaxNode | null = tree.resolveInner(probe, 1); node; node = node.parent) {
    if (node.name === 'ForStatement' || node.name === 'WhileStatement') {
      const loop = describeLoop(source, lines, node);
      // a line after the loop's last body line belongs to it only if the parser says so
      if (lineOf(lines, node.from) <= line && lineOf(lines, Math.max(node.from, node.to - 1)) >= line) found.push(loop);
    }
  }
  return found;
}

/** Every loop in the file (for the property test and the benchmark). */
export function allLoops(source: string): PythonLoop[] {
  const lines = lineIndex(source);
  const loops: PythonLoop[] = [];
  parse(source).iterate({
    enter(node) {
      if (node.name === 'ForStatement' || node.name === 'WhileStatement') loops.push(describeLoop(source, lines, node.node));
    },
  });
  return loops;
}

// ---- the edits -----------------------------------------------------------------------------------

function releaseCalls(kind: Exclude<FixKind, 'display'>): string[] {
  if (kind === 'collect') return ['gc.collect()'];
  if (kind === 'trim') return [`${TRIM_HELPER_NAME}()`];
  return ['gc.collect()', `${TRIM_HELPER_NAME}()`]; // the trim can only return what was freed
}

/** Where module-level code may start: after a shebang, encoding line, docstring, __future__ imports, cell magics. */
function preambleEnd(source: string, lines: Lines, tree: Tree): number {
  let offset = 0;
  let line = 0;
  while (line < lines.starts.length) {
    const text = lineText(source, lines, line);
    if (line <= 1 && (/^#!/.test(text) || /^#.*coding[:=]/.test(text))) {
      line++;
      offset = line < lines.starts.length ? lines.starts[line] : source.length;
      continue;
    }
    if (/^%%/.test(text)) {
      line++;
      offset = line < lines.starts.length ? lines.starts[line] : source.length;
      continue;
    }
    break;
  }
  for (let node = tree.topNode.firstChild; node; node = node.nextSibling) {
    if (node.to <= offset) continue;
    const text = source.slice(node.from, node.to);
    const isDocstring = node.name === 'ExpressionStatement' && /^[rRbBuU]{0,2}("""|'''|"|')/.test(text) && node.from === firstCodeOffset(source, offset);
    const isFuture = node.name === 'ImportStatement' && /^from\s+__future__\s+import\b/.test(text);
    if (isDocstring || isFuture) {
      const endLine = lineOf(lines, node.to - 1);
      offset = endLine + 1 < lines.starts.length ? lines.starts[endLine + 1] : source.length;
      continue;
    }
    if (node.name === 'Comment') continue;
    break;
  }
  return offset;
}

function firstCodeOffset(source: string, from: number): number {
  const match = /^(?:[ \t]*(?:#[^\n]*)?\r?\n)*[ \t]*/.exec(source.slice(from));
  return from + (match ? match[0].length : 0);
}

function hasTopLevelImport(source: string, module: string): boolean {
  return new RegExp(`^(?:import\\s+(?:[\\w.]+\\s*,\\s*)*${module}\\b(?!\\s*\\.)|import\\s+${module}\\s*(?:,|$))`, 'm').test(source);
}

function hasHelper(source: string): boolean {
  return new RegExp(`^def\\s+${TRIM_HELPER_NAME}\\s*\\(`, 'm').test(source);
}

/** Whether the loop's body already makes this call (so the fix is not offered again). */
function loopCalls(source: string, loop: PythonLoop, call: string): boolean {
  return source.slice(loop.from, loop.to).includes(call);
}

/** Whether the statements right after the loop (at its indentation) already make these calls. */
function afterLoopCalls(source: string, loop: PythonLoop, lines: Lines, calls: readonly string[]): boolean {
  const following: string[] = [];
  for (let line = lineOf(lines, Math.max(loop.from, loop.to - 1)) + 1; line < lines.starts.length && following.length < calls.length; line++) {
    const text = lineText(source, lines, line);
    if (text.trim() === '') continue;
    if (indentOf(text) !== loop.indent) break;
    following.push(text.trim());
  }
  return calls.every((call, i) => following[i] === call);
}

/** The edits for one fix on one loop; undefined when the fix is already there. */
export function loopFixEdits(source: string, loop: PythonLoop, kind: Exclude<FixKind, 'display'>, placement: FixPlacement): TextEdit[] | undefined {
  const lines = lineIndex(source);
  const eol = lines.eol;
  const unit = indentUnit(source, lines);
  const calls = releaseCalls(kind);
  const edits: TextEdit[] = [];
  if (placement.kind === 'after') {
    if (afterLoopCalls(source, loop, lines, calls) || calls.every((call) => loopCalls(source, loop, call))) return undefined;
    const lastLine = lineOf(lines, Math.max(loop.from, loop.to - 1));
    const at = lastLine + 1 < lines.starts.length ? lines.starts[lastLine + 1] : source.length;
    const prefix = at === source.length && !source.endsWith('\n') ? eol : '';
    edits.push({ start: at, end: at, text: prefix + calls.map((call) => `${loop.indent}${call}${eol}`).join('') });
  } else {
    if (calls.every((call) => loopCalls(source, loop, call))) return undefined;
    // a block body's own indentation, whatever the file does elsewhere; inline bodies get one unit
    const bodyIndent = loop.inline ? loop.indent + unit : indentOf(lineText(source, lines, lineOf(lines, firstBodyLineStart(source, lines, loop))));
    let statements: string[];
    let counterSetup: string | undefined;
    if (placement.kind === 'every') {
      const n = Math.max(1, Math.floor(placement.n));
      let counter = loop.indexVariable;
      const counterLines: string[] = [];
      if (!counter) {
        counter = `_kmw_count_${loop.line + 1}`;
        counterSetup = `${loop.indent}${counter} = 0${eol}`;
        counterLines.push(`${counter} += 1`);
      }
      statements = [...counterLines, `if ${counter} % ${n} == 0:`, ...calls.map((call) => `${unit}${call}`)];
    } else {
      statements = calls;
    }
    // First in the body: it runs on every iteration, also those cut short by `continue`, and
    // releases the garbage the previous iteration left (only the last one's waits until after
    // the loop). A try/finally would move the user's whole body one level in.
    const inserted = statements.map((statement) => `${bodyIndent}${statement}${eol}`).join('');
    if (loop.inline) {
      const colon = headerColon(source, loop);
      const rest = source.slice(colon + 1, lineEndOffset(source, lines, loop.line)).trim();
      edits.push({ start: colon + 1, end: lineEndOffset(source, lines, loop.line), text: `${eol}${inserted}${bodyIndent}${rest}` });
    } else {
      const body = firstBodyLineStart(source, lines, loop);
      edits.push({ start: body, end: body, text: inserted });
    }
    if (counterSetup) edits.push({ start: lines.starts[loop.line], end: lines.starts[loop.line], text: counterSetup });
  }
  // imports and the helper, once per file
  const tree = parse(source);
  const top = preambleEnd(source, lines, tree);
  let preamble = '';
  if (kind !== 'trim' && !hasTopLevelImport(source, 'gc')) preamble += `import gc${eol}`;
  if (kind !== 'collect' && !hasHelper(source)) preamble += trimHelperLines(unit).join(eol) + eol + eol;
  if (preamble) edits.push({ start: top, end: top, text: (top > 0 && !/\n$/.test(source.slice(0, top)) ? eol : '') + preamble });
  return edits;
}

function lineEndOffset(source: string, lines: Lines, line: number): number {
  const next = line + 1 < lines.starts.length ? lines.starts[line + 1] : source.length;
  let end = next;
  if (source[end - 1] === '\n') end--;
  if (source[end - 1] === '\r') end--;
  return end;
}

/** The colon that ends the loop header (the Body node starts at it). */
function headerColon(source: string, loop: PythonLoop): number {
  const node = parse(source).resolveInner(loop.from, 1);
  for (let n: SyntaxNode | null = node; n; n = n.parent) {
    if ((n.name === 'ForStatement' || n.name === 'WhileStatement') && n.from === loop.from) {
      const body = n.getChild('Body');
      if (body) return body.from;
    }
  }
  return source.indexOf(':', loop.from);
}

/** Start of the first statement line of a block body (after the header and any blank lines). */
function firstBodyLineStart(source: string, lines: Lines, loop: PythonLoop): number {
  const colon = headerColon(source, loop);
  const headerEnd = lineOf(lines, colon);
  for (let line = headerEnd + 1; line < lines.starts.length; line++) {
    const text = lineText(source, lines, line);
    if (text.trim() === '') continue;
    return lines.starts[line];
  }
  return source.length;
}

// ---- display() -----------------------------------------------------------------------------------

const NOT_CACHED = /^(print|display|plt\.show|[\w.]*\.show|[\w.]*\.to_csv|[\w.]*\.to_parquet|[\w.]*\.append|[\w.]*\.extend|[\w.]*\.update)\s*\(/;

/** The last statement of a cell when IPython would store its value in Out[] (and `_`). */
export function cachedLastExpression(source: string): { from: number; to: number; text: string } | undefined {
  // IPython rewrites magics, `!` lines and help before Python runs; none of them is cached
  if (isCellMagicCell(source)) return undefined;
  const codeLines = source.split(/\r?\n/).filter((text) => !/^\s*(#.*)?$/.test(text));
  if (codeLines.length === 0 || ipythonLineKind(codeLines[codeLines.length - 1]) !== 'python') return undefined;
  const tree = parse(source);
  let last: SyntaxNode | null = tree.topNode.lastChild;
  while (last && (last.name === 'Comment' || last.type.isError)) last = last.prevSibling;
  if (!last || last.name !== 'ExpressionStatement') return undefined;
  const text = source.slice(last.from, last.to).trimEnd();
  const rest = source.slice(last.to);
  if (/^\s*;/.test(rest) || text.endsWith(';') || isSilenced(source.slice(last.from))) return undefined; // `expr;` is not displayed
  if (NOT_CACHED.test(text) || /^(await\s+)?(None|True|False|\.\.\.)$/.test(text)) return undefined;
  return { from: last.from, to: last.from + text.length, text };
}

export function displayEdits(source: string): TextEdit[] | undefined {
  const expression = cachedLastExpression(source);
  if (!expression) return undefined;
  return [{ start: expression.from, end: expression.to, text: `display(${expression.text})` }];
}

// ---- what a code action provider offers ----------------------------------------------------------

/** Every fix offered at a 0-based line: per enclosing loop (innermost first) and, in a cell, display(). */
export function offeredFixes(source: string, line: number, options: FixOptions = {}): OfferedFix[] {
  const fixes: OfferedFix[] = [];
  // a `%%magic` cell is handed to the magic whole: no Python fix applies
  if (options.notebookCell && isCellMagicCell(source)) return fixes;
  const everyN = options.everyN ?? 10;
  const loops = loopsAt(source, line);
  loops.forEach((loop, depth) => {
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
    const lines = lineIndex(source);
    if (expression && lineOf(lines, expression.from) <= line && line <= lineOf(lines, expression.to)) {
      fixes.push({ title: FIXES.display.title, kind: 'display', placement: { kind: 'each' }, loop: undefined, edits: displayEdits(source)! });
    }
  }
  return fixes;
}

/** Applies non-overlapping edits (any order). */
export function applyEdits(source: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let result = source;
  for (const edit of sorted) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  return result;
}

/** The one fix the CLI's `fix` applies: innermost loop at a 1-based line (or the cell's last expression). */
export function fixAtLine(source: string, line1: number, kind: FixKind, placement: FixPlacement): { edits: TextEdit[]; alreadyThere: boolean } {
  if (kind === 'display') {
    const expression = cachedLastExpression(source);
    if (!expression) {
      if (/^\s*display\(/m.test(source)) return { edits: [], alreadyThere: true };
      throw new FixNotApplicableError('display applies to a last line that is an expression IPython would cache (Out[n], _); there is none');
    }
    const lines = lineIndex(source);
    if (line1 - 1 < lineOf(lines, expression.from) || line1 - 1 > lineOf(lines, expression.to)) {
      throw new FixNotApplicableError(`line ${line1} is not the cell's cached last expression (line ${lineOf(lines, expression.from) + 1})`);
    }
    return { edits: displayEdits(source)!, alreadyThere: false };
  }
  const loop = loopsAt(source, line1 - 1)[0];
  if (!loop) throw new FixNotApplicableError(`line ${line1} is in no for or while loop`);
  const edits = loopFixEdits(source, loop, kind, placement);
  return edits ? { edits, alreadyThere: false } : { edits: [], alreadyThere: true };
}
