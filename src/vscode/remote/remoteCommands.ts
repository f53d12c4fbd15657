// "Connect to Jupyter Server…", "Disconnect from Jupyter Server…" and the servers of
// `kernelMemoryWatch.remote.servers` at start. The URL is typed (or picked from the servers
// running on this machine); the token is asked apart in a password box and kept in SecretStorage.

import * as os from 'node:os';
import * as vscode from 'vscode';
import { connectChoices, type ConnectChoice } from '../../model/remoteConnect';
import { discoverLocalServers, jupyterRuntimeDir } from '../../remote/runtimeDir';
import { RemoteServerError } from '../../remote/serverConnection';
import { connectFailure, type RemoteServers } from './remoteServers';

interface ChoiceItem extends vscode.QuickPickItem {
  readonly choice: ConnectChoice;
}

export class RemoteCommands {
  /** Servers of the setting whose token the user declined to give this session: not asked again. */
  private readonly declined = new Set<string>();

  constructor(
    private readonly servers: RemoteServers,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async connect(): Promise<void> {
    const choice = await this.pickServer();
    if (!choice?.url) return;
    if (choice.token !== undefined) {
      // A server on this machine: its runtime file holds the token; nothing to ask or keep.
      await this.connectWith(choice.url, choice.token, false);
      return;
    }
    const token = await askToken(choice.url);
    if (token === undefined) return;
    await this.connectWith(choice.url, token, true);
  }

  async disconnect(): Promise<void> {
    const urls = this.servers.urls();
    if (urls.length === 0) {
      void vscode.window.showInformationMessage('Kernel Memory Watch: no Jupyter Server is connected.');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      urls.map((url) => ({ label: url, description: describeKernels(this.servers, url) })),
      { title: 'Disconnect from Jupyter Server', placeHolder: 'Stop watching the kernels of…' },
    );
    if (picked) this.servers.disconnect(picked.label);
  }

  /** The setting's servers: the stored token, else asked once; a refused stored token is asked again. */
  async connectConfigured(urls: readonly string[]): Promise<void> {
    for (const url of urls) {
      if (this.servers.source(url) || this.declined.has(url)) continue;
      let token = await this.servers.storedToken(url);
      if (token !== undefined) {
        const failure = await this.tryConnect(url, token, true);
        if (!(failure instanceof RemoteServerError && failure.kind === 'refused-token')) {
          if (failure) this.report(failure);
          continue;
        }
        await this.servers.forgetToken(url);
      }
      token = await askToken(url);
      if (token === undefined) {
        this.declined.add(url);
        continue;
      }
      await this.connectWith(url, token, true);
    }
  }

  private async connectWith(url: string, token: string, keepToken: boolean): Promise<void> {
    const failure = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Connecting to ${url}…` },
      () => this.tryConnect(url, token, keepToken),
    );
    if (failure) this.report(failure);
    else void vscode.window.showInformationMessage(`Kernel Memory Watch: watching ${describeKernels(this.servers, url)} on ${url}.`);
  }

  private async tryConnect(url: string, token: string, keepToken: boolean): Promise<unknown> {
    try {
      await this.servers.connect(url, token, keepToken);
      return undefined;
    } catch (error) {
      return error;
    }
  }

  private report(error: unknown): void {
    const message = connectFailure(error);
    this.log.warn(message);
    void vscode.window.showErrorMessage(`Kernel Memory Watch: ${message}`);
  }

  /** A quick pick that takes a typed URL as well as a server found on this machine. */
  private pickServer(): Promise<ConnectChoice | undefined> {
    const discovered = discoverLocalServers(jupyterRuntimeDir(process.env, process.platform, os.homedir()));
    const connected = new Set(this.servers.urls());
    const pick = vscode.window.createQuickPick<ChoiceItem>();
    pick.title = 'Connect to Jupyter Server';
    pick.placeholder = 'Type the server URL with its base path (https://hub.example.org/user/NAME/), or pick a server on this machine';
    pick.ignoreFocusOut = true;
    pick.matchOnDescription = true;
    const render = (): void => {
      pick.items = connectChoices(pick.value, discovered, connected).map((choice) => ({
        label: choice.problem ? `$(error) ${choice.label}` : choice.label,
        description: choice.description,
        detail: choice.detail,
        alwaysShow: true,
        choice,
      }));
    };
    render();
    return new Promise((resolve) => {
      pick.onDidChangeValue(render);
      pick.onDidAccept(() => {
        const item = pick.selectedItems[0] ?? pick.activeItems[0];
        if (!item || item.choice.url === undefined) return; // a typo: the row says what is wrong
        resolve(item.choice);
        pick.hide();
      });
      pick.onDidHide(() => {
        resolve(undefined);
        pick.dispose();
      });
      pick.show();
    });
  }
}

function askToken(url: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: `Token for ${url}`,
    prompt: 'The Jupyter Server\'s token (JupyterHub: an API token from its Token page). Kept in VS Code\'s secret storage, never in settings. Leave empty for a server without a token.',
    password: true,
    ignoreFocusOut: true,
  });
}

function describeKernels(servers: RemoteServers, url: string): string {
  const kernels = servers.source(url)?.kernels().filter((kernel) => kernel.state !== 'ended') ?? [];
  return kernels.length === 1 ? '1 kernel' : `${kernels.length} kernels`;
}
