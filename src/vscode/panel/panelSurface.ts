import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { panelHtml } from '../../shared/panelHtml';
import { parseWebviewMessage, type HostMessage, type WebviewMessage } from '../../shared/protocol';

/** Where the panel is shown: the sidebar's webview view or an editor tab's webview panel. */
export interface PanelSurfaceInit {
  readonly kind: 'sidebar' | 'editor';
  readonly webview: vscode.Webview;
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  readonly isVisible: () => boolean;
  /** Fires when the surface is shown again (it rebuilds from a snapshot then). */
  readonly onDidBecomeVisible: (listener: () => void) => vscode.Disposable;
  readonly onDidDispose: (listener: () => void) => vscode.Disposable;
}

/** The webview options both kinds of surface need: scripts, and only our own files. */
export function surfaceOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist')] };
}

/**
 * One webview showing the panel: the same HTML, script and strict CSP (with a fresh nonce) for
 * the sidebar and the editor tab; messages from it are validated before anyone sees them.
 */
export class PanelSurface implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    private readonly init: PanelSurfaceInit,
    onMessage: (surface: PanelSurface, message: WebviewMessage) => void,
    onShown: (surface: PanelSurface) => void,
    onGone: (surface: PanelSurface) => void,
  ) {
    init.webview.html = PanelSurface.html(init.webview, init.extensionUri);
    this.disposables.push(
      init.webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseWebviewMessage(raw);
        if (!message) {
          init.log.trace(`ignored a webview message of the wrong shape: ${JSON.stringify(raw)?.slice(0, 200)}`);
          return;
        }
        onMessage(this, message);
      }),
      init.onDidBecomeVisible(() => onShown(this)),
      init.onDidDispose(() => {
        this.dispose();
        onGone(this);
      }),
    );
  }

  get kind(): PanelSurfaceInit['kind'] {
    return this.init.kind;
  }

  get visible(): boolean {
    return !this.disposed && this.init.isVisible();
  }

  post(message: HostMessage): Thenable<boolean> | undefined {
    return this.disposed ? undefined : this.init.webview.postMessage(message);
  }

  static html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css'));
    const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `img-src ${webview.cspSource} data:`, `script-src 'nonce-${nonce}'`].join('; ');
    return panelHtml({ csp, nonce, scriptUri: script.toString(), styleUri: style.toString() });
  }

  dispose(): void {
    this.disposed = true;
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
