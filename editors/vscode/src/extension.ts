// The specls extension: starts `specls serve --stdio` through
// vscode-languageclient and adds four commands. Everything the server
// knows (diagnostics, quick fixes, hover, ...) comes through the client;
// this file only starts it, passes the `specls` settings and wires the
// commands that need a user interface (a quick pick, a webview).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
} from 'vscode-languageclient/node';

import { GraphPanel } from './graph';
import { nextTaskItems, type NextTaskItem } from './results';

/** The settings section, shared with the server and every other client. */
export const SECTION = 'specls';

/**
 * The commands this extension registers (and declares in package.json).
 *
 * They are deliberately not named like the server's commands: when the
 * server lists `specls.renumberTasks` in `executeCommandProvider`,
 * vscode-languageclient registers a VS Code command of that exact name
 * itself, and registering it a second time would fail activation.
 */
export const COMMANDS = {
  restartServer: 'specls.client.restartServer',
  showLog: 'specls.client.showLog',
  renumberTasks: 'specls.client.renumberTasks',
  showGraph: 'specls.client.showGraph',
  nextTasks: 'specls.client.nextTasks',
} as const;

/** The server's `workspace/executeCommand` commands. */
export const SERVER_COMMANDS = {
  renumberTasks: 'specls.renumberTasks',
  showGraph: 'specls.showGraph',
  nextTasks: 'specls.nextTasks',
} as const;

/** The documents specls serves: markdown under `specs/`, and contracts. */
export const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'markdown', pattern: '**/specs/**' },
  { scheme: 'file', language: 'yaml', pattern: '**/specs/**/contracts/**' },
  { scheme: 'file', language: 'json', pattern: '**/specs/**/contracts/**' },
];

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;
let status: vscode.StatusBarItem | undefined;
let extensionRoot: string | undefined;

/** What the status bar says about the server. */
export type ServerState = 'starting' | 'running' | 'stopped' | 'missing';

/** The status bar item's text and tooltip for a server state. */
export function statusText(state: ServerState, command?: string): { text: string; tooltip: string } {
  switch (state) {
    case 'starting':
      return { text: '$(sync~spin) specls', tooltip: `specls: starting \`${command ?? 'specls'} serve --stdio\`` };
    case 'running':
      return { text: '$(check) specls', tooltip: `specls is running (${command ?? 'specls'}). Click to show its log.` };
    case 'stopped':
      return { text: '$(error) specls', tooltip: 'specls stopped. Click to show its log; "specls: Restart Server" starts it again.' };
    case 'missing':
      return { text: '$(warning) specls', tooltip: 'specls was not found: install it or set specls.path. Click to show the log.' };
  }
}

function showState(state: ServerState, command?: string): void {
  if (!status) return;
  const { text, tooltip } = statusText(state, command);
  status.text = text;
  status.tooltip = tooltip;
  status.show();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('specls');
  context.subscriptions.push(output);
  extensionRoot = context.extensionUri.fsPath;
  // The server's state, always in view; a click opens its log.
  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 10);
  status.name = 'specls';
  status.command = COMMANDS.showLog;
  context.subscriptions.push(status);
  const panel = new GraphPanel(context.extensionUri, (uri) => runServerCommand(SERVER_COMMANDS.showGraph, uri));
  graphs = panel;
  context.subscriptions.push(panel);

  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.restartServer, restart),
    vscode.commands.registerCommand(COMMANDS.showLog, () => output?.show(true)),
    vscode.commands.registerCommand(COMMANDS.renumberTasks, renumberTasks),
    vscode.commands.registerCommand(COMMANDS.showGraph, async () => {
      const uri = activeSpecDocument();
      if (uri) await panel.show(uri);
    }),
    vscode.commands.registerCommand(COMMANDS.nextTasks, nextTasks),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      // The other settings reach the running server through
      // `synchronize.configurationSection`; a new executable needs a restart.
      if (event.affectsConfiguration(`${SECTION}.path`)) await restart();
    }),
    { dispose: () => void stopClient() },
  );

  await startClient();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}

/** The `specls` settings as plain JSON, as every specls client sends them. */
export function settingsObject(): Record<string, unknown> {
  const config = vscode.workspace.getConfiguration(SECTION);
  return {
    diagnostics: { trigger: config.get<string>('diagnostics.trigger', 'edit') },
    rules: { ...config.get<Record<string, string>>('rules', {}) },
    logLevel: config.get<string>('logLevel', 'info'),
    configPath: config.get<string>('configPath', ''),
  };
}

/**
 * The binary a platform .vsix ships (`bin/specls`, see
 * scripts/package-vsix), when this extension has one.
 */
export function bundledExecutable(root: string | undefined = extensionRoot): string | undefined {
  if (!root) return undefined;
  const file = path.join(root, 'bin', process.platform === 'win32' ? 'specls.exe' : 'specls');
  return fs.existsSync(file) ? file : undefined;
}

/**
 * `specls.path`, resolved. Empty means the binary bundled in a platform
 * .vsix, else `specls` on PATH.
 */
export function serverExecutable(root: string | undefined = extensionRoot): string {
  let configured = (vscode.workspace.getConfiguration(SECTION).get<string>('path') ?? '').trim();
  if (configured === '') return bundledExecutable(root) ?? 'specls';
  if (configured === '~' || configured.startsWith('~/')) {
    configured = path.join(os.homedir(), configured.slice(1));
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!path.isAbsolute(configured) && configured.includes('/') && folder) {
    configured = path.join(folder.uri.fsPath, configured);
  }
  return configured;
}

/**
 * Whether `command` names an executable file: a path as given, a bare
 * name on PATH. A missing binary is said once in the output channel
 * instead of two error pop-ups in every markdown project.
 */
export function executableExists(command: string): boolean {
  const isFile = (file: string) => {
    try {
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes('/') || command.includes('\\')) return isFile(command);
  const suffixes = process.platform === 'win32' ? ['.exe', ''] : [''];
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => suffixes.some((suffix) => isFile(path.join(dir, command + suffix))));
}

let graphs: GraphPanel | undefined;

async function startClient(): Promise<void> {
  const command = serverExecutable();
  if (!executableExists(command)) {
    showState('missing', command);
    output?.appendLine(
      `specls: \`${command}\` was not found, so the specls server is not running. ` +
        'Install specls (a platform .vsix ships it; or `cargo install --locked --path server` in the specls repository) ' +
        'or set `specls.path`, then run "specls: Restart Server".',
    );
    return;
  }
  const serverOptions: ServerOptions = { command, args: ['serve', '--stdio'] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    // didChangeConfiguration with `{ specls: {...} }` on every change; the
    // server also pulls the section with workspace/configuration.
    synchronize: { configurationSection: SECTION },
    initializationOptions: () => ({ [SECTION]: settingsObject() }),
    outputChannel: output,
    traceOutputChannel: output,
    middleware: {
      // A code lens click runs the server's command; its result (ready
      // tasks, the graph) would be dropped, so show it.
      executeCommand: async (command, args, next) => {
        const result = await next(command, args);
        if (command === SERVER_COMMANDS.nextTasks) await pickNextTask(lensUri(args), result);
        if (command === SERVER_COMMANDS.showGraph) {
          const uri = lensUri(args);
          if (uri) await graphs?.show(uri);
        }
        return result;
      },
    },
  };
  try {
    // The id `specls` makes vscode-languageclient read `specls.trace.server`.
    client = new LanguageClient('specls', 'specls', serverOptions, clientOptions);
    showState('starting', command);
    client.onDidChangeState((event) => {
      if (event.newState === State.Running) showState('running', command);
      else if (event.newState === State.Stopped) showState('stopped', command);
      else showState('starting', command);
    });
    await client.start();
    showState('running', command);
  } catch (error) {
    client = undefined;
    showState('stopped', command);
    const message = error instanceof Error ? error.message : String(error);
    output?.appendLine(`could not start ${command}: ${message}`);
    // Not awaited: activation must not wait for the user to answer.
    void vscode.window
      .showErrorMessage(
        `specls: could not start \`${command} serve --stdio\` (${message}). ` +
          'Install specls (`cargo install --path server` in the specls repository) or set `specls.path`.',
        'Open Settings',
      )
      .then((choice) => {
        if (choice === 'Open Settings') {
          void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.path`);
        }
      });
  }
}

async function stopClient(): Promise<void> {
  const running = client;
  client = undefined;
  if (!running) return;
  try {
    if (running.state !== State.Stopped) await running.stop();
  } catch (error) {
    output?.appendLine(`stopping specls: ${error}`);
  }
}

async function restart(): Promise<void> {
  await stopClient();
  await startClient();
}

/** The active document when it is a markdown file specls serves. */
function activeSpecDocument(): vscode.Uri | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || vscode.languages.match(DOCUMENT_SELECTOR, document) === 0) {
    void vscode.window.showWarningMessage('specls: open a tasks.md (or another file of a specs/NNN-feature/ folder) first.');
    return undefined;
  }
  return document.uri;
}

/** `workspace/executeCommand` on the server with the document's URI. */
async function runServerCommand(command: string, uri: vscode.Uri): Promise<unknown> {
  if (!client || !client.isRunning()) {
    throw new Error('the specls server is not running (see the specls output channel)');
  }
  return client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [uri.toString()] });
}

async function renumberTasks(): Promise<void> {
  const uri = activeSpecDocument();
  if (!uri || !client) return;
  try {
    // Save-free: the server renumbers the open (possibly unsaved) text and
    // either applies the edit itself (workspace/applyEdit) or returns it.
    const result = await runServerCommand(SERVER_COMMANDS.renumberTasks, uri);
    if (isWorkspaceEdit(result)) {
      const edit = await client.protocol2CodeConverter.asWorkspaceEdit(result);
      if (!(await vscode.workspace.applyEdit(edit))) {
        void vscode.window.showErrorMessage('specls: the renumbering edit could not be applied.');
      }
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`specls: renumber tasks failed: ${errorText(error)}`);
  }
}

/** The document a lens command names: `{ uri }` (a lens) or a URI string. */
export function lensUri(args: unknown[]): vscode.Uri | undefined {
  const first = args[0];
  const text = typeof first === 'string' ? first : (first as { uri?: unknown } | undefined)?.uri;
  return typeof text === 'string' ? vscode.Uri.parse(text) : undefined;
}

async function nextTasks(): Promise<void> {
  const uri = activeSpecDocument();
  if (!uri) return;
  let result: unknown;
  try {
    result = await runServerCommand(SERVER_COMMANDS.nextTasks, uri);
  } catch (error) {
    void vscode.window.showErrorMessage(`specls: next tasks failed: ${errorText(error)}`);
    return;
  }
  await pickNextTask(uri, result);
}

/** A quick pick of the ready tasks in `result`; the picked one is revealed. */
async function pickNextTask(uri: vscode.Uri | undefined, result: unknown): Promise<void> {
  if (!uri) return;
  const items: NextTaskItem[] = nextTaskItems(result);
  if (items.length === 0) {
    void vscode.window.showInformationMessage('specls: no task is ready (all done, or every open task waits on another).');
    return;
  }
  const picked = await vscode.window.showQuickPick(
    items.map((item) => ({ label: item.id, description: item.description, detail: item.detail, item })),
    { title: 'Next tasks: ready to start (their dependencies are done)', matchOnDescription: true },
  );
  if (picked) await revealTask(uri, picked.item);
}

/** Open the task's line: the location the server gave, else its definition in tasks.md. */
async function revealTask(from: vscode.Uri, task: NextTaskItem): Promise<void> {
  const document = await vscode.workspace.openTextDocument(task.uri ? vscode.Uri.parse(task.uri) : tasksFileOf(from));
  let line = task.line;
  if (line === undefined) {
    const definition = new RegExp(`^\\s*(?:[-*]\\s+)?(?:\\[[ xX]\\]\\s+)?\\**${task.id.replace(/\./g, '\\.')}\\b`);
    for (let i = 0; i < document.lineCount; i++) {
      if (definition.test(document.lineAt(i).text)) {
        line = i;
        break;
      }
    }
  }
  const editor = await vscode.window.showTextDocument(document);
  if (line !== undefined) {
    const position = new vscode.Position(line, task.character ?? 0);
    editor.selection = new vscode.Selection(position, position);
    editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}

/** tasks.md of the feature folder holding `uri` (also from contracts/). */
function tasksFileOf(uri: vscode.Uri): vscode.Uri {
  let dir = path.dirname(uri.fsPath);
  if (path.basename(dir) === 'contracts') dir = path.dirname(dir);
  return vscode.Uri.file(path.join(dir, 'tasks.md'));
}

function isWorkspaceEdit(value: unknown): value is import('vscode-languageclient').WorkspaceEdit {
  return typeof value === 'object' && value !== null && ('changes' in value || 'documentChanges' in value);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
