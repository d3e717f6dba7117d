// Just enough of the `vscode` API to load the bundled extension under
// plain Node and run activate(): what the extension itself calls is
// implemented and recorded; everything else (vscode-languageclient's
// internals) is an inert stand-in that accepts any use.
'use strict';

function inert(name = 'vscode') {
  const target = function () {};
  return new Proxy(target, {
    get(_, key) {
      if (key === 'then') return undefined; // not a promise
      if (key === 'prototype') return {}; // `class X extends vscode.Y`
      if (key === Symbol.toPrimitive) return () => `[${name}]`;
      if (key === Symbol.iterator) return function* () {};
      if (typeof key === 'symbol') return undefined;
      return inert(`${name}.${key}`);
    },
    apply: () => inert(`${name}()`),
    construct: () => inert(`new ${name}`),
  });
}

function create({ settings = {}, workspaceFolders } = {}) {
  const calls = { commands: [], errors: [], warnings: [], infos: [], outputs: [], lines: [], statusItems: [] };
  const disposable = () => ({ dispose() {} });
  class Uri {
    constructor(fsPath) {
      this.scheme = 'file';
      this.fsPath = fsPath;
      this.path = fsPath;
    }
    static file(p) {
      return new Uri(p);
    }
    static parse(s) {
      return new Uri(s.replace(/^file:\/\//, ''));
    }
    static joinPath(base, ...parts) {
      return new Uri([base.fsPath, ...parts].join('/'));
    }
    toString() {
      return `file://${this.fsPath}`;
    }
  }
  class EventEmitter {
    constructor() {
      this.event = () => disposable();
    }
    fire() {}
    dispose() {}
  }
  class Disposable {
    constructor(fn) {
      this.fn = fn;
    }
    static from(...items) {
      return new Disposable(() => items.forEach((d) => d.dispose()));
    }
    dispose() {
      this.fn?.();
    }
  }
  const configuration = (section) => ({
    get(key, fallback) {
      const full = section ? `${section}.${key}` : key;
      return full in settings ? settings[full] : fallback;
    },
    has: (key) => `${section}.${key}` in settings,
    inspect: () => undefined,
    update: async () => {},
  });
  const outputChannel = (name) => {
    calls.outputs.push(name);
    const channel = {
      name,
      append: (text) => calls.lines.push(String(text)),
      appendLine: (text) => calls.lines.push(String(text)),
      show() {},
      dispose() {},
    };
    const rest = inert(`OutputChannel(${name})`);
    return new Proxy(channel, { get: (target, key) => (key in target ? target[key] : rest[key]) });
  };
  const api = {
    version: '1.82.0',
    Uri,
    EventEmitter,
    Disposable,
    commands: {
      registerCommand(id, handler) {
        if (calls.commands.some((c) => c.id === id)) throw new Error(`command '${id}' already exists`);
        calls.commands.push({ id, handler });
        return disposable();
      },
      executeCommand: async () => undefined,
    },
    window: {
      createOutputChannel: outputChannel,
      showErrorMessage: async (message) => void calls.errors.push(message),
      showWarningMessage: async (message) => void calls.warnings.push(message),
      showInformationMessage: async (message) => void calls.infos.push(message),
      activeTextEditor: undefined,
      createStatusBarItem(alignment, priority) {
        const item = { alignment, priority, text: '', tooltip: '', command: undefined, shown: false };
        item.show = () => void (item.shown = true);
        item.hide = () => void (item.shown = false);
        item.dispose = () => {};
        calls.statusItems.push(item);
        return item;
      },
    },
    StatusBarAlignment: { Left: 1, Right: 2 },
    workspace: {
      getConfiguration: configuration,
      workspaceFolders,
      textDocuments: [],
      onDidChangeConfiguration: () => disposable(),
      onDidSaveTextDocument: () => disposable(),
      onDidOpenTextDocument: () => disposable(),
      onDidCloseTextDocument: () => disposable(),
      onDidChangeTextDocument: () => disposable(),
    },
    languages: { match: () => 0 },
  };
  // What is not implemented above falls back to an inert stand-in.
  const withFallback = (object, name) => {
    const rest = inert(name);
    return new Proxy(object, { get: (target, key) => (key in target ? target[key] : rest[key]) });
  };
  for (const namespace of ['commands', 'window', 'workspace', 'languages']) {
    api[namespace] = withFallback(api[namespace], `vscode.${namespace}`);
  }
  return { vscode: withFallback(api, 'vscode'), calls };
}

module.exports = { create };
