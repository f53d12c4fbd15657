import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { KernelMemoryWatchTestApi } from '../../../src/extension';
import { CommandId } from '../../../src/vscode/commandIds';
import { TestKernel } from '../../kernel/testKernel';
import { test } from './registry';
import { until } from '../../support/wait';

const WORKSPACE = vscode.workspace.workspaceFolders![0].uri.fsPath;
const MB = 1024 * 1024;

async function api(): Promise<KernelMemoryWatchTestApi> {
  const extension = vscode.extensions.getExtension<KernelMemoryWatchTestApi>('kernel-memory-watch.kernel-memory-watch')!;
  return extension.isActive ? extension.exports : extension.activate();
}


test('real cell executions fill the ledger and the cell status bar; diagnose runs in the kernel; a kernel killed at its limit gets a post-mortem', async () => {
  const { model, kernels, discovery, setKernelProvider } = await api();
  const uri = vscode.Uri.file(join(WORKSPACE, 'ledger.ipynb'));
  const notebook = await vscode.workspace.openNotebookDocument(uri);
  await vscode.window.showNotebookDocument(notebook);
  const kernel = await TestKernel.start(WORKSPACE);
  // A NotebookController that forwards cells to the real ipykernel: real executions, real events.
  const controller = vscode.notebooks.createNotebookController('kmw-test-ipykernel', 'jupyter-notebook', 'Test ipykernel');
  controller.supportedLanguages = ['python'];
  let order = 0;
  controller.executeHandler = async (cells) => {
    for (const cell of cells) {
      const execution = controller.createNotebookCellExecution(cell);
      execution.start(Date.now());
      // As vscode-jupyter does: the order is set after start(), once the kernel takes the cell
      // (it echoes execute_input); until then the cell's summary shows nothing.
      const taken = kernel.waitFor('busy');
      const running = kernel.runCell(cell.document.getText());
      await taken;
      execution.executionOrder = ++order;
      const result = await running;
      const text = result.outputs.map((o) => o.text ?? JSON.stringify(o.data ?? o.evalue ?? '')).join('');
      await execution.replaceOutput([new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.text(text)])]);
      execution.end(result.status === 'ok', Date.now());
    }
  };
  setKernelProvider(async () => ({ getKernel: async () => kernel }));
  await kernels.grantConsent();
  try {
    controller.updateNotebookAffinity(notebook, vscode.NotebookControllerAffinity.Preferred);
    await vscode.commands.executeCommand('notebook.selectKernel', { id: 'kmw-test-ipykernel', extension: 'kernel-memory-watch.kernel-memory-watch' });
    await discovery.scan();
    await until(`the kernel to be sampled as ${uri.toString()}`, () => model.process(uri.toString())?.rssBytes).catch((error) => {
      throw new Error(`${error.message}; watched: ${JSON.stringify(model.processes().map((p) => [p.key, p.pid, p.exited]))}, kernel PID ${kernel.pid}, active ${vscode.window.activeNotebookEditor?.notebook.uri.toString()}`);
    });

    await vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 0, end: 1 }], document: uri });
    const entry = await until('the ledger entry', () => kernels.ledgerOf(uri).find((e) => e.outcome !== 'running'), 60_000);
    assert.equal(entry.outcome, 'succeeded', `one run, not a cancel and a rerun: ${JSON.stringify(kernels.ledgerOf(uri).map((e) => e.outcome))}`);
    assert.equal(kernels.ledgerOf(uri).length, 1);
    assert.ok(entry.retainedBytes! > 250 * MB && entry.retainedBytes! < 400 * MB, `retained ${entry.retainedBytes}`);
    assert.ok(entry.peakBytes >= entry.endBytes!);
    const items = kernels.provideCellStatusBarItems(notebook.cellAt(0));
    assert.equal(items.length, 1);
    assert.match(items[0].text, /\+\d+ MB retained/);

    const diagnosis = await vscode.commands.executeCommand<{ diagnosis: { rssBeforeBytes: number; dominant: string } } | undefined>(CommandId.Diagnose, uri);
    assert.ok(diagnosis, 'diagnose returned a result');
    assert.ok(diagnosis.diagnosis.rssBeforeBytes > 300 * MB);
    assert.equal(diagnosis.diagnosis.dominant, 'live-data', 'a kept bytearray is live data');

    // a fake limit just above the kernel's memory, then the OOM killer's signal
    const rss = model.process(uri.toString())!.rssBytes;
    await vscode.workspace.getConfiguration('kernelMemoryWatch').update('memoryLimit', String(Math.round(rss * 1.05)), vscode.ConfigurationTarget.Workspace);
    const postMortem = new Promise<{ message: string; likelyOutOfMemory: boolean }>((resolve) => kernels.onDidPostMortem(resolve));
    kernel.process.kill('SIGKILL');
    const result = await postMortem;
    assert.equal(result.likelyOutOfMemory, true);
    assert.match(result.message, /^Kernel of ledger\.ipynb was likely killed for memory: \d+ MB of \d+ MB \(your setting\)/);
  } finally {
    await vscode.workspace.getConfiguration('kernelMemoryWatch').update('memoryLimit', undefined, vscode.ConfigurationTarget.Workspace);
    controller.dispose();
    kernel.dispose();
  }
});
