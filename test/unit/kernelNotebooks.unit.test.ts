// Every command and menu that serves a notebook's kernel applies to each notebook type that runs
// one (an .ipynb and the Interactive Window), and only to those: package.json's `when` clauses
// are evaluated here against the contexts VS Code sets, and the source names the notebook types
// in one place (src/discovery/kernelNotebooks.ts).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { KERNEL_NOTEBOOK_TYPES, runsJupyterKernel } from '../../src/discovery/kernelNotebooks';

const ROOT = join(__dirname, '../..');

interface MenuEntry {
  readonly command: string;
  readonly when?: string;
}
interface Manifest {
  activationEvents: string[];
  contributes: { menus: Record<string, MenuEntry[]> };
}

type Context = Readonly<Record<string, string | boolean | undefined>>;

/**
 * VS Code's `when` grammar as far as package.json uses it: `||` binds looser than `&&`, `!` negates,
 * `key == value` / `key != value` compare a key's value with a bare word, a bare key is its truth.
 */
function evaluate(expression: string, context: Context): boolean {
  return expression.split('||').some((conjunction) =>
    conjunction.split('&&').every((term) => {
      const text = term.trim();
      if (text.startsWith('!')) return !evaluate(text.slice(1), context);
      const comparison = /^([\w.]+)\s*(==|!=)\s*([\w.-]+)$/.exec(text);
      if (comparison) {
        const equal = String(context[comparison[1]]) === comparison[3];
        return comparison[2] === '==' ? equal : !equal;
      }
      assert.match(text, /^[\w.]+$/, `a when term this test can read: "${text}"`);
      if (text === 'true' || text === 'false') return text === 'true';
      return Boolean(context[text]);
    }),
  );
}

const KERNEL_COMMANDS = ['kernelMemoryWatch.diagnose', 'kernelMemoryWatch.releaseNow', 'kernelMemoryWatch.clearOutputCache'];

/**
 * The contexts VS Code 1.100 sets where each kernel notebook has the focus: in a notebook's cell,
 * `notebookType`; in the Interactive Window's input box (where "Run in Interactive Window" leaves
 * it) only the global `activeEditor`, since the box sits outside the notebook widget that scopes
 * `notebookType` (seen in test/e2e/notebookMenus.ui.e2e.test.ts: the palette hid the commands there).
 */
const FOCUSED_IN: readonly { readonly type: string; readonly context: Context }[] = [
  { type: 'jupyter-notebook', context: { notebookType: 'jupyter-notebook', activeEditor: 'workbench.editor.notebook' } },
  { type: 'interactive', context: { notebookType: 'interactive', activeEditor: 'workbench.editor.interactive' } },
  { type: 'interactive (input box)', context: { activeEditor: 'workbench.editor.interactive' } },
];

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('notebook types with a kernel', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
  const palette = manifest.contributes.menus.commandPalette;

  it('are the .ipynb notebook and the Interactive Window, and nothing else', () => {
    assert.deepEqual([...KERNEL_NOTEBOOK_TYPES], ['jupyter-notebook', 'interactive']);
    for (const type of KERNEL_NOTEBOOK_TYPES) assert.equal(runsJupyterKernel(type), true, type);
    for (const type of ['', 'github-issues', 'polyglot-notebook', 'Jupyter-Notebook']) assert.equal(runsJupyterKernel(type), false, type);
  });

  it('the palette offers Diagnose, Release and Clear Output Cache in each of them (also from the Interactive Window input box), and hides them elsewhere', () => {
    for (const command of KERNEL_COMMANDS) {
      const entry = palette.find((e) => e.command === command);
      assert.ok(entry?.when, `${command} has a palette when clause`);
      for (const { type, context } of FOCUSED_IN) assert.equal(evaluate(entry.when, context), true, `${command} in a ${type}`);
      assert.equal(evaluate(entry.when, {}), false, `${command} with no notebook`);
      assert.equal(evaluate(entry.when, { activeEditor: 'workbench.editors.files.textFileEditor' }), false, `${command} in a text editor`);
      assert.equal(evaluate(entry.when, { notebookType: 'github-issues', activeEditor: 'workbench.editor.notebook' }), false, `${command} in a notebook without a kernel`);
    }
  });

  it('Diagnose is on the .ipynb toolbar (only for Jupyter notebooks) and on the Interactive Window toolbar', () => {
    const notebookToolbar = manifest.contributes.menus['notebook/toolbar'].find((e) => e.command === 'kernelMemoryWatch.diagnose');
    assert.ok(notebookToolbar?.when);
    assert.equal(evaluate(notebookToolbar.when, { notebookType: 'jupyter-notebook' }), true);
    assert.equal(evaluate(notebookToolbar.when, { notebookType: 'github-issues' }), false);
    // The Interactive Window draws its own toolbar (interactive/toolbar), not the notebook one.
    const interactiveToolbar = manifest.contributes.menus['interactive/toolbar']?.find((e) => e.command === 'kernelMemoryWatch.diagnose');
    assert.ok(interactiveToolbar, 'interactive/toolbar names Diagnose');
    assert.equal(interactiveToolbar.when === undefined || evaluate(interactiveToolbar.when, { notebookType: 'interactive' }), true);
  });

  it('opening either activates the extension', () => {
    for (const type of KERNEL_NOTEBOOK_TYPES) assert.ok(manifest.activationEvents.includes(`onNotebook:${type}`), type);
  });

  it('every when clause that names a notebook type admits both kernel notebook types, except the .ipynb toolbar', () => {
    for (const [menu, entries] of Object.entries(manifest.contributes.menus)) {
      if (menu === 'notebook/toolbar') continue;
      for (const entry of entries) {
        if (!entry.when?.includes('notebookType')) continue;
        for (const { type, context } of FOCUSED_IN) assert.equal(evaluate(entry.when, context), true, `${menu} ${entry.command} in a ${type}`);
      }
    }
  });

  it('the source names the notebook types only in kernelNotebooks.ts (every check goes through it)', () => {
    const naming = sourceFiles(join(ROOT, 'src'))
      .filter((file) => /['"](jupyter-notebook|interactive)['"]/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    assert.deepEqual(naming, ['src/discovery/kernelNotebooks.ts']);
  });

  it('the when-clause reader reads what it should', () => {
    assert.equal(evaluate('a == x || b', { a: 'y', b: true }), true);
    assert.equal(evaluate('a == x && b', { a: 'x', b: false }), false);
    assert.equal(evaluate('!b', { b: false }), true);
    assert.equal(evaluate('a != x', { a: 'x' }), false);
    assert.equal(evaluate('false', {}), false);
  });
});
