// "Connect to Jupyter Server…", "Disconnect from Jupyter Server…" and the servers of
// `kernelMemoryWatch.remote.servers` at start. The URL is typed (or picked from the servers
// running on this machine); the token is asked apart in a password box and kept in SecretStorage.
// A certificate this machine does not trust stops the connection; Connect then asks whether to
// connect without verifying it, for this connection only; the setting's entry can say so for good.

import * as os from 'node:os';
import * as vscode from 'vscode';
import { connectChoices, type ConnectChoice } from '../../model/remoteConnect';
import type { ConfiguredServer } from '../../model/remoteServerSettings';
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
    /** The setting's servers now: an entry with verifyCertificate: false is not asked about again. */
    private readonly configured: () => readonly ConfiguredServer[] = () => [],
  ) {}

  async connect(): Promise<void> {
    const choice = await this.pickServer();
    if (!choice?.url) return;
    const how = { verifyCertificate: this.configured().find((server) => server.url === choice.url)?.verifyCertificate ?? true, askTrust: true };
    if (choice.token !== undefined) {
      // A server on this machine: its runtime file holds the token; nothing to ask or keep.
      await this.connectWith(choice.url, choice.token, false, how);
      return;
    }
    const token = await askToken(choice.url);
    if (token === undefined) return;
    await this.connectWith(choice.url, token, true, how);
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

  /**
   * The setting's servers: the stored token, else asked once; a refused stored token is asked
   * again. Each entry's verifyCertificate is used as it is: nothing is asked about certificates.
   */
  async connectConfigured(configured: readonly ConfiguredServer[]): Promise<void> {
    for (const { url, verifyCertificate } of configured) {
      if (this.servers.source(url) || this.declined.has(url)) continue;
      let token = await this.servers.storedToken(url);
      if (token !== undefined) {
        const failure = await this.tryConnect(url, token, true, verifyCertificate);
        if (!isFailure(failure, 'refused-token')) {
          if (failure) this.report(failure, SETTING_HINT);
          continue;
        }
        await this.servers.forgetToken(url);
      }
      token = await askToken(url);
      if (token === undefined) {
        this.declined.add(url);
        continue;
      }
      await this.connectWith(url, token, true, { verifyCertificate, askTrust: false });
    }
  }

  private async connectWith(url: string, token: string, keepToken: boolean, how: { verifyCertificate: boolean; askTrust: boolean }): Promise<void> {
    const attempt = (verifyCertificate: boolean): Thenable<unknown> =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Connecting to ${url}…` }, () => this.tryConnect(url, token, keepToken, verifyCertificate));
    let failure = await attempt(how.verifyCertificate);
    if (how.askTrust && isFailure(failure, 'certificate')) {
      if (!(await trustAnyway(url, failure.message))) {
        this.log.warn(`${failure.message}; not connected (the certificate was not trusted anyway)`);
        return;
      }
      failure = await attempt(false);
    }
    if (failure) this.report(failure, how.askTrust ? undefined : SETTING_HINT);
    else void vscode.window.showInformationMessage(`Kernel Memory Watch: watching ${describeKernels(this.servers, url)} on ${url}.`);
  }

  private async tryConnect(url: string, token: string, keepToken: boolean, verifyCertificate: boolean): Promise<unknown> {
    try {
      await this.servers.connect(url, token, keepToken, verifyCertificate);
      return undefined;
    } catch (error) {
      return error;
    }
  }

  /** A failure in plain words; `certificateHint` is added to a certificate failure's message. */
  private report(error: unknown, certificateHint?: string): void {
    const message = connectFailure(error) + (certificateHint && isFailure(error, 'certificate') ? certificateHint : '');
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

const SETTING_HINT = '. If you trust this server, give its entry in kernelMemoryWatch.remote.servers "verifyCertificate": false';

function isFailure(error: unknown, kind: RemoteServerError['kind']): error is RemoteServerError {
  return error instanceof RemoteServerError && error.kind === kind;
}

/** Asked after a certificate error of the Connect command: never silently. */
async function trustAnyway(url: string, problem: string): Promise<boolean> {
  const answer = await vscode.window.showWarningMessage(
    `Connect to ${url} without verifying its certificate?`,
    {
      modal: true,
      detail:
        `${problem[0].toUpperCase()}${problem.slice(1)}.\n\nConnect anyway only if you know this server (a self-signed certificate of your own): anyone in between could read the token and the kernels' traffic. ` +
        `Only this connection skips the check; every other server is still verified. To always connect this way, list it in kernelMemoryWatch.remote.servers as { "url": "${url}", "verifyCertificate": false }.`,
    },
    'Connect Without Verifying',
  );
  return answer === 'Connect Without Verifying';
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
