// Where a fix's edits put things, in the fixed text: for the property tests' Python checkers.
import type { TextEdit } from '../../src/python/textEdits';

/** 1-based lines, in the fixed source, of the release calls the edits inserted (not the helper's body). */
export function insertedCallLines(fixed: string, edits: readonly TextEdit[]): number[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const lines: number[] = [];
  let shift = 0;
  for (const edit of sorted) {
    const newStart = edit.start + shift;
    const before = (fixed.slice(0, newStart).match(/\n/g) ?? []).length;
    edit.text.split('\n').forEach((text, i) => {
      if (/^\s*(gc\.collect\(\)|_kmw_malloc_trim\(\))\s*$/.test(text.replace('\r', ''))) lines.push(before + i + 1);
    });
    shift += edit.text.length - (edit.end - edit.start);
  }
  return lines;
}

/** How many line breaks precede `offset` of the original text once the edits are applied. */
export function newlinesBefore(text: string, offset: number, edits: readonly TextEdit[]): number {
  let count = (text.slice(0, offset).match(/\n/g) ?? []).length;
  for (const edit of edits) if (edit.end <= offset) count += (edit.text.match(/\n/g) ?? []).length - (text.slice(edit.start, edit.end).match(/\n/g) ?? []).length;
  return count;
}
