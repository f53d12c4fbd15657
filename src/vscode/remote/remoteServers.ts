// The Jupyter Servers this window is connected to: one JupyterServerSource and one feed into
// the memory model per server. Tokens come from and go to SecretStorage only; messages and the
// log name the server's URL, never its token.

import * as vscode from 'vscode';
import type { MemoryModel } from '../../model/memoryModel';
import { RemoteKernelFeed } from '../../model/remoteFeed';
import { tokenSecretKey } from '../../model/remoteConnect';
import type { LedgerEntry } from '../../kernel/cellLedger';
import { JupyterServerSource, type RemoteKernelDeath, type RemoteKernelView } from '../../remote/jupyterServerSource';
import { RemoteServerError } from '../../remote/serverConnection';
import { parseServerUrl } from '../../remote/serverUrl';
import { ContextKey, ContextKeyName } from '../contextKeys';

interface Connection {
  readonly source: JupyterServerSource;
  readonly feed: RemoteKernelFeed;
  readonly subscriptions: readonly { dispose(): void }[];
}

export interface RemoteServerOptions {
  readonly intervalMs: () => number;
  readonly limitOverrideBytes: () => number | undefined;
}

export class RemoteServers implements vscode.Disposable {
  private readonly connections = new Map<string, Connection>(); // by base URL
  private readonly connectedKey = new ContextKey(ContextKeyName.RemoteConnected);
  private readonly kernelsChanged = new vscode.EventEmitter<JupyterServerSource>();
  /** A connected server's kernel list changed (a kernel came, went, or changed state, label or PID). */
  readonly onDidChangeKernels = this.kernelsChanged.event;
  private readonly ledgerChanged = new vscode.EventEmitter<{ readonly seriesId: string; readonly entries: readonly LedgerEntry[] }>();
  /** A remote kernel's cell ledger changed (its series id, its entries). */
  readonly onDidChangeLedger = this.ledgerChanged.event;
  private readonly died = new vscode.EventEmitter<RemoteKernelDeath>();
  /** A connected server says one of its kernels died. */
  readonly onDidKernelDie = this.died.event;

  constructor(
    private readonly model: MemoryModel,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
    private readonly options: RemoteServerOptions,
  ) {}

  /** Base URLs of the servers connected now (also those whose server went away, until Disconnect). */
  urls(): string[] {
    return [...this.connections.keys()];
  }

  source(baseUrl: string): JupyterServerSource | undefined {
    return this.connections.get(baseUrl)?.source;
  }

  /** The connected kernel whose series this is, with its server's source. */
  kernelOf(seriesId: string): { source: JupyterServerSource; view: RemoteKernelView } | undefined {
    for (const { source, feed } of this.connections.values()) {
      if (!feed.series.has(seriesId)) continue;
      const view = source.kernels().find((kernel) => kernel.key === seriesId);
      return view && { source, view };
    }
    return undefined;
  }

  /** A remote kernel's cells as its iopub showed them (empty for a series that is not one). */
  ledgerOf(seriesId: string): readonly LedgerEntry[] {
    const found = this.kernelOf(seriesId);
    return found ? found.source.ledgerOf(found.view.kernelId) : [];
  }

  storedToken(baseUrl: string): Thenable<string | undefined> {
    return this.secrets.get(tokenSecretKey(baseUrl));
  }

  /**
   * Connects and feeds the model. Throws ServerUrlError / RemoteServerError with a message
   * naming the server, never the token. The token is kept only once the server accepted it.
   * `verifyCertificate: false` skips the https certificate check for this connection alone.
   */
  async connect(url: string, token: string, keepToken = true, verifyCertificate = true): Promise<JupyterServerSource> {
    const { baseUrl } = parseServerUrl(url);
    this.disconnect(baseUrl);
    const source = await JupyterServerSource.connect({ url: baseUrl, token, verifyCertificate, intervalMs: this.options.intervalMs(), limitOverrideBytes: this.options.limitOverrideBytes() });
    if (keepToken) {
      try {
        await this.secrets.store(tokenSecretKey(baseUrl), token);
      } catch {
        this.log.warn(`the token for ${source.address.display} could not be kept in secret storage; it will be asked again next time`);
      }
    }
    const feed = new RemoteKernelFeed(this.model, source);
    const gone = source.onServerGone((reason) => {
      this.log.warn(reason);
      void vscode.window.showWarningMessage(`Kernel Memory Watch: ${reason}. Its kernels' series have ended.`);
    });
    const kernels = source.onDidChangeKernels(() => this.kernelsChanged.fire(source));
    const ledger = source.onDidChangeLedger((seriesId) => this.ledgerChanged.fire({ seriesId, entries: this.ledgerOf(seriesId) }));
    const deaths = source.onKernelDied((death) => this.died.fire(death));
    this.connections.set(baseUrl, { source, feed, subscriptions: [gone, kernels, ledger, deaths] });
    this.log.info(`connected to the Jupyter Server at ${source.address.display}${verifyCertificate ? '' : ' (its certificate not verified, as asked)'}: ${source.kernels().length} kernel(s)`);
    this.connectedKey.set(true);
    this.kernelsChanged.fire(source);
    return source;
  }

  /** Stops watching the server's kernels and drops their series. */
  disconnect(baseUrl: string): boolean {
    const connection = this.connections.get(baseUrl);
    if (!connection) return false;
    this.connections.delete(baseUrl);
    for (const subscription of connection.subscriptions) subscription.dispose();
    connection.feed.dispose();
    connection.source.dispose();
    this.log.info(`disconnected from the Jupyter Server at ${baseUrl}`);
    this.connectedKey.set(this.connections.size > 0);
    return true;
  }

  /** Forgets a token the server refused, so the next attempt asks for it. */
  forgetToken(baseUrl: string): Thenable<void> {
    return this.secrets.delete(tokenSecretKey(baseUrl));
  }

  setLimitOverride(bytes: number | undefined): void {
    for (const { source } of this.connections.values()) source.setLimitOverride(bytes);
  }

  dispose(): void {
    for (const baseUrl of this.urls()) this.disconnect(baseUrl);
    this.kernelsChanged.dispose();
    this.ledgerChanged.dispose();
    this.died.dispose();
  }
}

/** A failure's message for the user: ours are already plain; anything else is named as such. */
export function connectFailure(error: unknown): string {
  if (error instanceof RemoteServerError || (error instanceof Error && error.name === 'ServerUrlError')) return error.message;
  return `connecting failed: ${error instanceof Error ? error.name : 'unknown error'}`;
}
