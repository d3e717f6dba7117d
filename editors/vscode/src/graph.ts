// "specls: Show Dependency Graph": the server's Mermaid text, rendered in a
// webview by the copy of Mermaid shipped inside the extension
// (dist/media/mermaid.min.js, copied from node_modules/mermaid by
// esbuild.mjs).
//
// Why a webview and not a markdown preview: VS Code's built-in markdown
// preview shows a ```mermaid fence as plain code unless a third-party
// extension adds Mermaid, and a webview may load nothing from the network
// anyway (the CSP below allows only the extension's own files). The
// bundled copy renders offline, in any VS Code >= 1.82, with no other
// extension installed.

import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';

import { mermaidText } from './results';

export class GraphPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private source: vscode.Uri | undefined;
  private mermaid = '';
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly fetch: (uri: vscode.Uri) => Promise<unknown>,
  ) {
    // Keep the graph current: redraw when a file of its feature is saved.
    this.disposables.push(
      vscode.workspace.onDidSaveTextDocument(async (document) => {
        if (this.panel && this.source && sameFeature(document.uri, this.source)) await this.refresh();
      }),
    );
  }

  async show(uri: vscode.Uri): Promise<void> {
    this.source = uri;
    const media = vscode.Uri.joinPath(this.extensionUri, 'dist', 'media');
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('specls.graph', 'Task graph', vscode.ViewColumn.Beside, {
        enableScripts: true,
        localResourceRoots: [media],
        retainContextWhenHidden: true,
      });
      this.panel.onDidDispose(() => (this.panel = undefined), null, this.disposables);
      this.panel.webview.onDidReceiveMessage(
        async (message: { type?: string }) => {
          if (message?.type === 'copy') {
            await vscode.env.clipboard.writeText(this.mermaid);
            void vscode.window.showInformationMessage('specls: Mermaid source copied.');
          } else if (message?.type === 'openMarkdown') {
            const content = '```mermaid\n' + this.mermaid.trimEnd() + '\n```\n';
            const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
            await vscode.window.showTextDocument(document, vscode.ViewColumn.Beside);
          }
        },
        null,
        this.disposables,
      );
    } else {
      this.panel.reveal(vscode.ViewColumn.Beside);
    }
    await this.refresh();
  }

  private async refresh(): Promise<void> {
    const panel = this.panel;
    if (!panel || !this.source) return;
    panel.title = `Task graph: ${featureName(this.source)}`;
    let mermaid: string | undefined;
    let problem: string | undefined;
    try {
      mermaid = mermaidText(await this.fetch(this.source));
      if (mermaid === undefined) problem = 'the server returned no graph';
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    this.mermaid = mermaid ?? '';
    panel.webview.html = page(panel.webview, vscode.Uri.joinPath(this.extensionUri, 'dist', 'media'), mermaid, problem);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function featureDir(uri: vscode.Uri): string {
  const dir = path.dirname(uri.fsPath);
  return path.basename(dir) === 'contracts' ? path.dirname(dir) : dir;
}

function sameFeature(a: vscode.Uri, b: vscode.Uri): boolean {
  return featureDir(a) === featureDir(b);
}

function featureName(uri: vscode.Uri): string {
  return path.basename(featureDir(uri));
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function page(webview: vscode.Webview, media: vscode.Uri, mermaid: string | undefined, problem: string | undefined): string {
  const nonce = randomBytes(16).toString('hex');
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(media, name)).toString();
  // Mermaid writes <style> into the SVG it draws: styles need 'unsafe-inline'.
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const body =
    mermaid === undefined
      ? `<p class="problem">Could not get the dependency graph: ${escapeHtml(problem ?? 'unknown error')}</p>`
      : `<div class="toolbar">
    <button id="copy">Copy Mermaid source</button>
    <button id="open">Open as Markdown</button>
  </div>
  <div id="graph" class="graph">${escapeHtml(mermaid)}</div>
  <p id="problem" class="problem" hidden></p>
  <details><summary>Mermaid source</summary><pre id="source">${escapeHtml(mermaid)}</pre></details>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${asset('graph.css')}">
  <title>Task graph</title>
</head>
<body>
  ${body}
  <script nonce="${nonce}" src="${asset('mermaid.min.js')}"></script>
  <script nonce="${nonce}" src="${asset('graph.js')}"></script>
</body>
</html>`;
}
