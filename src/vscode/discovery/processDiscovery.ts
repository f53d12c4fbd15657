import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProcessInfo } from '../../core/processReader';
import { ProcessNotFoundError } from '../../core/sampleSource';
import { runsJupyterKernel } from '../../discovery/kernelNotebooks';
import { notebookOfKernel } from '../../discovery/notebookMapping';
import { topmostPythonDescendants, type PythonProcess } from '../../discovery/processClassifier';
import { mayStartPython } from '../../discovery/terminalCommand';
import type { MemoryModel } from '../../model/memoryModel';
import type { Settings } from '../../model/settings';
import type { PythonInterpreters } from '../pythonExtension';

/** How often the process table is read to find new kernels and terminal scripts. */
const DISCOVERY_INTERVAL_MS = 3000;
/** After a terminal command that may start Python: at once, then while the process may still be starting. */
const PYTHON_COMMAND_SCANS_MS = [0, 300, 1000, 3000];
/** After any other command: one look, for wrappers (make, a shell script) that start Python at once. */
const OTHER_COMMAND_SCANS_MS = [1000];
/** A terminal whose shell PID is not known within this long is looked at again on the next pass. */
const TERMINAL_PID_WAIT_MS = 2000;

/**
 * Finds the Python processes of this window: Jupyter kernels (Python descendants of the extension
 * host running ipykernel) and scripts in integrated terminals (Python descendants of each
 * terminal's shell), sharing one process-table read for all sources. It reads the table on a
 * timer while something could appear: an open notebook (its kernel) or an open terminal (about
 * 2 ms of CPU a pass for 90 processes). Shell integration's announcement that a command starts
 * makes it look at once, but is not relied on: on a saturated machine a script typed in
 * code-server's terminal went unannounced in two CI runs. A window without notebooks or
 * terminals reads nothing.
 */
export class ProcessDiscovery implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly terminalPids = new Map<vscode.Terminal, number>();
  private readonly seenPids = new Set<number>(); // already handed to the model
  private scanning = false;
  /** A pass was asked for while one ran: it runs once more when that one ends (it may have read the table too early). */
  private rescan = false;
  private readonly pendingScans = new Set<NodeJS.Timeout>();
  /** PIDs of the active terminal's shell and the Python processes under it (for the gauge). */
  activeTerminalPids: Set<number> = new Set();

  constructor(
    private readonly model: MemoryModel,
    private readonly interpreters: PythonInterpreters,
    private settings: () => Settings,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.window.onDidOpenTerminal(() => this.update()),
      vscode.window.onDidCloseTerminal((terminal) => {
        this.terminalPids.delete(terminal);
        this.update();
      }),
      vscode.window.onDidChangeActiveTerminal(() => void this.scan()),
      // a command typed before shell integration started was not announced
      vscode.window.onDidChangeTerminalShellIntegration(() => this.scanAfter([0])),
      vscode.window.onDidStartTerminalShellExecution((event) => {
        if (!this.settings().watchTerminals) return;
        const python = mayStartPython(event.execution.commandLine.value, this.interpreters.known);
        this.log.info(`terminal "${event.terminal.name}": a command started${python ? ' that may start Python' : ''}`);
        this.scanAfter(python ? PYTHON_COMMAND_SCANS_MS : OTHER_COMMAND_SCANS_MS);
      }),
      vscode.workspace.onDidOpenNotebookDocument(() => this.update()),
      vscode.workspace.onDidCloseNotebookDocument(() => this.update()),
    );
    this.update();
  }

  /** Starts or stops the periodic scan depending on whether anything could be found. */
  update(): void {
    const { watchKernels, watchTerminals } = this.settings();
    const somethingToFind =
      (watchKernels && vscode.workspace.notebookDocuments.some((notebook) => runsJupyterKernel(notebook.notebookType))) ||
      (watchTerminals && vscode.window.terminals.length > 0);
    if (somethingToFind && !this.timer) {
      this.timer = setInterval(() => void this.scan(), DISCOVERY_INTERVAL_MS);
      void this.scan();
    } else if (!somethingToFind && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Scans once after each delay (ms); passes that would overlap one in flight are skipped by scan(). */
  private scanAfter(delaysMs: readonly number[]): void {
    for (const delay of delaysMs) {
      const timer = setTimeout(() => {
        this.pendingScans.delete(timer);
        void this.scan();
      }, delay);
      this.pendingScans.add(timer);
    }
  }

  /** One discovery pass (also called by tests and the "Watch" commands to be prompt). */
  async scan(): Promise<void> {
    if (this.scanning) {
      this.rescan = true;
      return;
    }
    this.scanning = true;
    try {
      do {
        this.rescan = false;
        await this.scanOnce();
      } while (this.rescan);
    } finally {
      this.scanning = false;
    }
  }

  private async scanOnce(): Promise<void> {
    const startedAt = Date.now();
    try {
      const processes = await this.model.sampler.reader.listProcesses();
      const settings = this.settings();
      if (settings.watchKernels) await this.findKernels(processes);
      if (settings.watchTerminals) await this.findTerminalScripts(processes);
    } catch (error) {
      this.log.warn(`discovery failed: ${String(error)}`);
    }
    const tookMs = Date.now() - startedAt;
    if (tookMs > 1000) this.log.info(`a discovery pass took ${tookMs} ms`);
  }

  private async findKernels(processes: ProcessInfo[]): Promise<void> {
    for (const kernel of topmostPythonDescendants(process.pid, processes, this.interpreters.known)) {
      if (kernel.role.kind !== 'kernel') continue;
      const notebook = this.notebookOf(kernel.pid);
      const seriesId = notebook ? notebook.uri.toString() : `kernel:${kernel.role.connectionFile ?? kernel.pid}`;
      await this.watch(kernel, {
        label: notebook ? path.basename(notebook.uri.fsPath) : kernel.label,
        source: 'kernel',
        resourceUri: notebook?.uri.toString(),
        seriesId,
      });
    }
  }

  private async findTerminalScripts(processes: ProcessInfo[]): Promise<void> {
    const active = new Set<number>();
    for (const terminal of vscode.window.terminals) {
      // Asked on every pass, not kept: a terminal relaunched (when an extension such as Git
      // changes the terminals' environment before it is used) has a new shell, and VS Code then
      // resolves processId to the new PID. Kept, the old PID hid every script of that terminal.
      const known = this.terminalPids.get(terminal);
      const shellPid = (await shellPidOf(terminal)) ?? known;
      if (shellPid === undefined) {
        this.log.info(`terminal "${terminal.name}" has no shell PID yet; looking again on the next pass`);
        continue;
      }
      if (shellPid !== known) {
        this.terminalPids.set(terminal, shellPid);
        this.log.info(`terminal "${terminal.name}": shell PID ${shellPid}${known === undefined ? '' : ` (was ${known}: relaunched)`}`);
      }
      const isActive = terminal === vscode.window.activeTerminal;
      if (isActive) active.add(shellPid);
      for (const script of topmostPythonDescendants(shellPid, processes, this.interpreters.known)) {
        if (isActive) active.add(script.pid);
        await this.watch(script, {
          label: `${script.label} (${terminal.name})`,
          source: 'terminal',
          resourceUri: script.role.kind === 'script' && script.role.script ? this.scriptUri(script.role.script, script.pid) : undefined,
        });
      }
    }
    this.activeTerminalPids = active;
  }

  private async watch(found: PythonProcess, request: { label: string; source: 'kernel' | 'terminal'; resourceUri?: string; seriesId?: string }): Promise<void> {
    if (this.seenPids.has(found.pid) && this.model.isWatchingPid(found.pid)) return;
    try {
      await this.model.watch({ pid: found.pid, ...request });
      if (!this.seenPids.has(found.pid)) this.log.info(`watching ${request.source} ${request.label} (PID ${found.pid})`);
      this.seenPids.add(found.pid);
    } catch (error) {
      if (!(error instanceof ProcessNotFoundError)) this.log.warn(`cannot watch PID ${found.pid}: ${String(error)}`);
    }
  }

  /** The notebook a kernel serves (see notebookOfKernel); the Jupyter API, once allowed, has the last word. */
  private notebookOf(pid: number): vscode.NotebookDocument | undefined {
    let cwd: string | undefined;
    try {
      cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      cwd = undefined;
    }
    const documents = vscode.workspace.notebookDocuments;
    const open = documents
      .filter((notebook) => notebook.uri.scheme === 'file')
      .map((document) => {
        const served = this.model.process(document.uri.toString());
        return { document, fsPath: document.uri.fsPath, claimed: served !== undefined && !served.exited && served.pid !== pid };
      });
    const activeDocument = vscode.window.activeNotebookEditor?.notebook;
    // interactive windows and untitled notebooks have kernels too, but no folder to match
    const otherKernelHosts = documents.length - open.length;
    const found = notebookOfKernel(cwd, open, open.find((notebook) => notebook.document === activeDocument), otherKernelHosts);
    return found?.document;
  }

  private scriptUri(script: string, pid: number): string | undefined {
    if (path.isAbsolute(script)) return vscode.Uri.file(script).toString();
    try {
      return vscode.Uri.file(path.resolve(fs.readlinkSync(`/proc/${pid}/cwd`), script)).toString();
    } catch {
      return undefined;
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const timer of this.pendingScans) clearTimeout(timer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** The terminal's shell PID, or undefined when it does not come within TERMINAL_PID_WAIT_MS (a terminal still starting, or one that never will). */
async function shellPidOf(terminal: vscode.Terminal): Promise<number | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, TERMINAL_PID_WAIT_MS, undefined)));
  try {
    return await Promise.race([Promise.resolve(terminal.processId), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
