// The for/while loops of a parsed text, as the fixes need them: header, indentation, whether the
// body is inline, an index variable for "every N". Pure (no `vscode`).

import type { SyntaxNode } from '@lezer/common';
import { ipythonLineKind } from './ipythonLines';
import { indentOf, type PythonSource } from './pythonSource';

export interface PythonLoop {
  readonly keyword: 'for' | 'while' | 'async for';
  readonly from: number;
  readonly to: number;
  /** 0-based line of the header. */
  readonly line: number;
  /** 0-based line of the loop's last body line. */
  readonly lastLine: number;
  readonly header: string;
  readonly indent: string;
  /** The colon that ends the header (the Body node starts at it). */
  readonly colon: number;
  /** The body is on the header's line (`for x in y: f(x)`). */
  readonly inline: boolean;
  /** Loop variable usable as an iteration index: `for i in range(...)`, `for i, x in enumerate(...)`. */
  readonly indexVariable: string | undefined;
}

function isLoop(node: { name: string }): boolean {
  return node.name === 'ForStatement' || node.name === 'WhileStatement';
}

function describeLoop(source: PythonSource, node: SyntaxNode): PythonLoop {
  const text = source.text;
  const line = source.lineOf(node.from);
  const header = source.lineText(line);
  const body = node.getChild('Body');
  const colon = body ? body.from : text.indexOf(':', node.from);
  const bodyStartLine = body ? source.lineOf(body.from) : line;
  const afterColon = body ? text.slice(body.from + 1, body.to).split(/\r?\n/)[0] : '';
  const inline = !!body && bodyStartLine === line && afterColon.trim() !== '' && !afterColon.trim().startsWith('#');
  const head = text.slice(node.from, body ? body.from : node.to);
  const keyword = /^async\s+for\b/.test(head) ? 'async for' : head.startsWith('while') ? 'while' : 'for';
  let indexVariable: string | undefined;
  const range = /^for\s+([A-Za-z_]\w*)\s+in\s+range\s*\(/.exec(head);
  const enumerated = /^for\s+\(?\s*([A-Za-z_]\w*)\s*,[^)]*?\)?\s+in\s+enumerate\s*\(/.exec(head);
  if (range) indexVariable = range[1];
  else if (enumerated) indexVariable = enumerated[1];
  const lastLine = lastBodyLine(source, line, indentOf(header), source.lineOf(Math.max(node.from, node.to - 1)));
  return { keyword, from: node.from, to: node.to, line, lastLine, header, indent: indentOf(header), colon, inline, indexVariable };
}

/**
 * The parser ends a loop after an IPython line that follows it (`!ls`, `%time f()`: it keeps the
 * `!` or `%` in the body as an error node); such a line at the loop's indentation or less is not
 * part of the loop, nor are the blank lines and comments before it.
 */
function lastBodyLine(source: PythonSource, header: number, indent: string, parsedLast: number): number {
  let last = parsedLast;
  for (let line = parsedLast; line > header; line--) {
    const text = source.lineText(line);
    if (/^\s*(#.*)?$/.test(text)) continue;
    if (ipythonLineKind(text) === 'python' || indentOf(text).length > indent.length) break;
    last = line - 1;
  }
  if (last !== parsedLast) while (last > header && /^\s*(#.*)?$/.test(source.lineText(last))) last--;
  return last;
}

/** The loops enclosing a 0-based line, innermost first (on its header or anywhere in its body). */
export function loopsAt(source: PythonSource, line: number): PythonLoop[] {
  if (line < 0 || line >= source.lineCount) return [];
  const lineStart = source.lineStart(line);
  // any position on the line inside the loop counts: try the first non-blank character
  const probe = Math.min(lineStart + indentOf(source.lineText(line)).length, source.lineEnd(line));
  const found: PythonLoop[] = [];
  for (let node: SyntaxNode | null = source.tree.resolveInner(probe, 1); node; node = node.parent) {
    if (!isLoop(node)) continue;
    const loop = describeLoop(source, node);
    // a line after the loop's last body line belongs to it only if the parser says so
    if (loop.line <= line && loop.lastLine >= line) found.push(loop);
  }
  return found;
}

/** Every loop in the text (for the evidence target, the property tests and the benchmark). */
export function allLoops(source: PythonSource): PythonLoop[] {
  const loops: PythonLoop[] = [];
  source.tree.iterate({
    enter(node) {
      if (isLoop(node)) loops.push(describeLoop(source, node.node));
    },
  });
  return loops;
}

/** Start of the first statement line of a block body (after the header and any blank lines). */
export function firstBodyLineStart(source: PythonSource, loop: PythonLoop): number {
  for (let line = source.lineOf(loop.colon) + 1; line < source.lineCount; line++) {
    if (source.lineText(line).trim() !== '') return source.lineStart(line);
  }
  return source.text.length;
}
