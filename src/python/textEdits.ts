// Edits as offsets into one text, the shape VS Code's WorkspaceEdit and the CLI both apply. Pure.

/** A replacement of source[start, end) by text (offsets in UTF-16 code units, like VS Code's). */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Applies non-overlapping edits (any order). */
export function applyEdits(source: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let result = source;
  for (const edit of sorted) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  return result;
}
