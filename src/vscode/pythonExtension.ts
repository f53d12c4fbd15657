import * as vscode from 'vscode';
import { PVSC_EXTENSION_ID, PythonExtension } from '@vscode/python-extension';

/**
 * The one place that talks to the Python extension: the active interpreter's executable, used
 * to recognise the user's Python processes (a venv's `bin/python` may not be named python3.x)
 * and to label them. Everything works without it, with fewer labels.
 */
export class PythonInterpreters implements vscode.Disposable {
  private readonly executables = new Set<string>();
  private subscription: vscode.Disposable | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** Looks the Python extension up once it exists; never activates it on its own. */
  async start(): Promise<void> {
    if (!vscode.extensions.getExtension(PVSC_EXTENSION_ID)) {
      this.log.info('Python extension not installed: Python processes are recognised by their executable name.');
      return;
    }
    try {
      const api = await PythonExtension.api();
      await this.refresh(api);
      this.subscription = api.environments.onDidChangeActiveEnvironmentPath(() => void this.refresh(api));
    } catch (error) {
      this.log.warn(`Python extension API unavailable: ${String(error)}`);
    }
  }

  get known(): ReadonlySet<string> {
    return this.executables;
  }

  private async refresh(api: PythonExtension): Promise<void> {
    const active = api.environments.getActiveEnvironmentPath();
    const resolved = await api.environments.resolveEnvironment(active);
    const executable = resolved?.executable.uri?.fsPath;
    if (executable) {
      this.executables.add(executable);
      this.log.info(`active Python interpreter: ${executable}`);
      this.changed.fire();
    }
  }

  dispose(): void {
    this.subscription?.dispose();
    this.changed.dispose();
  }
}
