// The Interactive Window ("Run in Interactive Window", `# %%` cells; notebookType `interactive`)
// gets what an .ipynb gets: opened without the Jupyter extension through VS Code's own
// `interactive.open` with a NotebookController that forwards cells to a real ipykernel, a cell
// typed into its input box and run with `interactive.execute` (what Shift+Enter does) fills the
// ledger and the cell's status bar item, and Diagnose / Release from the palette (no argument:
// the active editor) reach its kernel.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { KernelMemoryWatchTestApi } from '../../../src/extension';
import { CommandId } from '../../../src/vscode/commandIds';
import { TestKernel } from '../../kernel/testKernel';
import { test } from './registry';
import { until } from '../../support/wait';

const WORKSPACE = vscode.workspace.workspaceFolders![0].uri.fsPath;
const MB = 1024 * 1024;
const CONTROLLER_ID = 'kmw-test-ipykernel-interactive';

async function api(): Promise<KernelMemoryWatchTestApi> {
  const extension = vscode.extensions.getExtension<KernelMemoryWatchTestApi>('kernel-memory-watch.kernel-memory-watch')!;
  return extension.isActive ? extension.exports : extension.activate();
}

/** Types `code` into the Interactive Window's input box and runs it, as Shift+Enter does. */
async function runInInteractiveWindow(notebookUri: vscode.Uri, inputUri: vscode.Uri, code: string): Promise<void> {
  const input = await vscode.workspace.openTextDocument(inputUri);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(inputUri, new vscode.Range(0, 0, input.lineCount, 0), code);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the input box took the code');
  await vscode.commands.executeCommand('interactive.execute', notebookUri);
}

test('interactive window: a cell run from its input box fills the ledger and its status bar item; Diagnose and Release from the palette reach its kernel', async () => {
  const { model, kernels, setKernelProvider } = await api();
  const kernel = await TestKernel.start(WORKSPACE);
  const controller = vscode.notebooks.createNotebookController(CONTROLLER_ID, 'interactive', 'Test ipykernel (Interactive Window)');
  controller.supportedLanguages = ['python'];
  let order = 0;
  controller.executeHandler = async (cells) => {
    for (const cell of cells) {
      const execution = controller.createNotebookCellExecution(cell);
      execution.executionOrder = ++order; // before start, as kernelBridge.inhost.ts does
      execution.start(Date.now());
      const result = await kernel.runCell(cell.document.getText());
      const text = result.outputs.map((o) => o.text ?? JSON.stringify(o.data ?? o.evalue ?? '')).join('');
      await execution.replaceOutput([new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.text(text)])]);
      execution.end(result.status === 'ok', Date.now());
    }
  };
  setKernelProvider(async () => ({ getKernel: async () => kernel }));
  await kernels.grantConsent();
  try {
    const opened = await vscode.commands.executeCommand<{ notebookUri: vscode.Uri; inputUri: vscode.Uri } | undefined>(
      'interactive.open',
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      undefined,
      `kernel-memory-watch.kernel-memory-watch/${CONTROLLER_ID}`,
      'Interactive (test)',
    );
    assert.ok(opened, 'interactive.open gave the window');
    const notebook = await until('the Interactive Window notebook', () => vscode.workspace.notebookDocuments.find((doc) => doc.uri.toString() === opened.notebookUri.toString()));
    assert.equal(notebook.notebookType, 'interactive');
    await until('the Interactive Window to be the active notebook editor', () => vscode.window.activeNotebookEditor?.notebook === notebook);

    // The palette's Diagnose (no argument) in the active Interactive Window: the bridge reaches its kernel.
    const diagnosis = await vscode.commands.executeCommand<{ notebook: vscode.Uri; diagnosis: { rssBeforeBytes: number } } | undefined>(CommandId.Diagnose);
    assert.ok(diagnosis, 'Diagnose ran in the Interactive Window kernel');
    assert.equal(diagnosis.notebook.toString(), notebook.uri.toString());
    const seriesId = notebook.uri.toString();
    await until('the kernel sampled under the Interactive Window', () => model.process(seriesId)?.pid === kernel.pid || undefined);

    // A cell from the input box: its ledger entry and the item under it.
    await runInInteractiveWindow(notebook.uri, opened.inputUri, 'kept = bytearray(300 * 1024 * 1024)\nkept[::4096] = b"x" * len(kept[::4096])\nlen(kept)');
    const entry = await until('the ledger entry of the Interactive Window cell', () => kernels.ledgerOf(notebook.uri).find((e) => e.outcome !== 'running'), 60_000);
    assert.equal(entry.outcome, 'succeeded');
    assert.ok(entry.retainedBytes! > 250 * MB && entry.retainedBytes! < 400 * MB, `retained ${entry.retainedBytes}`);
    const cell = notebook.getCells().at(-1)!;
    const items = kernels.provideCellStatusBarItems(cell);
    assert.equal(items.length, 1, 'the ledger item under the cell');
    assert.match(items[0].text, /\+\d+ MB retained/);

    // Release from the palette: gc.collect() and malloc_trim(0) in that kernel, measured by the sampler.
    const released = await vscode.commands.executeCommand<{ beforeBytes: number; afterBytes: number } | undefined>(CommandId.ReleaseNow);
    assert.ok(released, 'Release ran in the Interactive Window kernel');
    assert.ok(released.beforeBytes > 300 * MB, `before ${released.beforeBytes}`);
  } finally {
    controller.dispose();
    kernel.dispose();
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  }
});
