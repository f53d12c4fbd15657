// Property test on real notebooks, read at test time from Debian's documentation packages
// (python-notebook-doc, python-nbsphinx-doc, python-nbconvert-doc; scripts/setup-test-env.sh
// installs them) and the notebooks Debian's nbclient ships for its tests. Every cell is checked
// as IPython runs it: after IPython's own TransformerManager().transform_cell, every loop fix
// compiles whenever the original cell did, puts the release call inside the intended loop (or
// right after it), leaves every IPython line byte for byte and is a no-op the second time (also
// with a `!` and a `%` line appended after the cell's last loop);
// display() is offered only where IPython would keep the value in Out[n]; a cell that a cell
// magic takes gets no fix at all. One long-lived /usr/bin/python3 (test/python/notebook_checker.py).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { cachedLastExpression } from '../../src/python/displayFix';
import { offeredFixes } from '../../src/python/fixCatalogue';
import { ipythonLineKind, isCellMagicCell } from '../../src/python/ipythonLines';
import { allLoops, loopsAt } from '../../src/python/pythonLoops';
import { PythonSource } from '../../src/python/pythonSource';
import { loopFixEdits, type FixPlacement } from '../../src/python/releaseEdits';
import { applyEdits } from '../../src/python/textEdits';
import { insertedCallLines, newlinesBefore } from '../support/fixLines';

const ROOTS = ['/usr/share/doc/python-notebook-doc', '/usr/share/doc/python-nbsphinx', '/usr/share/doc/python-nbconvert-doc', '/usr/lib/python3/dist-packages/nbclient/tests/files'];
const PLACEMENTS: readonly FixPlacement[] = [{ kind: 'each' }, { kind: 'every', n: 10 }, { kind: 'after' }];

function notebookFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat) continue;
      // Sphinx keeps a copy of each page's source in _sources: the same notebooks again
      if (stat.isDirectory() && name !== '_sources') walk(path);
      else if (/\.ipynb(\.gz)?$/.test(name)) files.push(path);
    }
  };
  for (const root of ROOTS) if (statSync(root, { throwIfNoEntry: false })?.isDirectory()) walk(root);
  return files;
}

/** The Python code cells of a notebook (none for a notebook in another language, or one that is not JSON). */
function pythonCells(file: string): string[] {
  const bytes = readFileSync(file);
  let notebook: { cells?: Array<{ cell_type: string; source: string | string[] }>; metadata?: { kernelspec?: { language?: string }; language_info?: { name?: string } } };
  try {
    notebook = JSON.parse((file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
  } catch {
    return [];
  }
  const language = notebook.metadata?.language_info?.name ?? notebook.metadata?.kernelspec?.language ?? 'python';
  if (language !== 'python') return [];
  return (notebook.cells ?? []).filter((cell) => cell.cell_type === 'code').map((cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source));
}

function ipythonLines(text: string): string[] {
  return text.split('\n').filter((line) => ipythonLineKind(line) !== 'python').sort();
}

describe('quick-fix property test on real notebooks (Debian documentation packages)', () => {
  it('every fix is right on the cells as IPython runs them', { timeout: 240_000 }, async () => {
    const files = notebookFiles();
    assert.ok(files.length >= 20, `only ${files.length} notebooks under ${ROOTS.join(', ')}: install python-notebook-doc python-nbsphinx-doc python-nbconvert-doc (scripts/setup-test-env.sh)`);
    const checker = spawn('/usr/bin/python3', [join(__dirname, '../python/notebook_checker.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
    const replies = createInterface({ input: checker.stdout })[Symbol.asyncIterator]();
    const ask = async <T>(request: object): Promise<T> => {
      checker.stdin.write(JSON.stringify(request) + '\n');
      const reply = await replies.next();
      assert.ok(!reply.done, 'notebook_checker.py stopped');
      return JSON.parse(reply.value) as T;
    };
    const counts = { notebooks: 0, cells: 0, ipythonCells: 0, loops: 0, fixes: 0, displayOffered: 0, cached: 0 };
    const failures: string[] = [];
    const checkLoopFixes = async (text: string, where: string): Promise<void> => {
      const source = PythonSource.parse(text);
      for (const loop of allLoops(source)) {
        counts.loops++;
        for (const kind of ['collect', 'trim', 'both'] as const) {
          for (const placement of PLACEMENTS) {
            const edits = loopFixEdits(source, loop, kind, placement);
            if (!edits) continue; // already there
            counts.fixes++;
            const what = `${where} line ${loop.line + 1} ${kind}/${placement.kind}`;
            const fixed = applyEdits(text, edits);
            const loopLine = newlinesBefore(text, loop.from, edits) + 1;
            const reply = await ask<{ ok: boolean; why: string }>({ op: 'fix', original: text, fixed, loop_line: loopLine, call_lines: insertedCallLines(fixed, edits), mode: placement.kind });
            if (!reply.ok) failures.push(`${what}: ${reply.why}`);
            if (ipythonLines(fixed).join('\n') !== ipythonLines(text).join('\n')) failures.push(`${what}: an IPython line changed`);
            const fixedSource = PythonSource.parse(fixed);
            const again = loopsAt(fixedSource, loopLine - 1).find((l) => l.line === loopLine - 1);
            if (!again) failures.push(`${what}: loop lost after the fix`);
            else if (loopFixEdits(fixedSource, again, kind, placement) !== undefined) failures.push(`${what}: second application changed the cell`);
          }
        }
      }
    };
    try {
      for (const file of files) {
        const cells = pythonCells(file);
        if (cells.length > 0) counts.notebooks++;
        for (const [index, text] of cells.entries()) {
          const where = `${file} cell ${index + 1}`;
          const source = PythonSource.parse(text);
          counts.cells++;
          if (text.split('\n').some((line) => ipythonLineKind(line) !== 'python') || isCellMagicCell(text)) counts.ipythonCells++;
          const ipython = await ask<{ cached: boolean; cell_magic: boolean }>({ op: 'cache', cell: text });
          if (ipython.cached) counts.cached++;
          const expression = cachedLastExpression(source);
          if (expression) {
            counts.displayOffered++;
            if (!ipython.cached) failures.push(`${where}: display() offered on "${expression.text}", which IPython does not cache`);
          }
          if (ipython.cell_magic) {
            const offered = Array.from({ length: source.lineCount }, (_, line) => offeredFixes(source, line, { notebookCell: true }).length).reduce((a, b) => a + b, 0);
            if (offered > 0) failures.push(`${where}: ${offered} fixes offered in a cell magic's cell`);
            continue;
          }
          // as found, and with IPython lines right after it (a loop may end the cell)
          await checkLoopFixes(text, where);
          if (allLoops(source).length > 0) await checkLoopFixes(`${text.replace(/\n?$/, '\n')}!echo done\n%time x = 1\n`, `${where} + IPython lines`);
        }
      }
    } finally {
      checker.stdin.end();
    }
    console.log(
      `  notebook property test: ${counts.notebooks} notebooks, ${counts.cells} cells (${counts.ipythonCells} with IPython syntax), ${counts.loops} loops, ${counts.fixes} fixes, display() offered on ${counts.displayOffered} of ${counts.cached} cells IPython caches, ${failures.length} failures`,
    );
    for (const failure of failures.slice(0, 15)) console.log(`  FAIL ${failure}`);
    assert.ok(counts.loops >= 10, `only ${counts.loops} loops in ${counts.cells} cells`);
    assert.deepEqual(failures.slice(0, 20), []);
  });
});
