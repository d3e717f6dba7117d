// Every client sends the same `specls` settings: the keys of SERVER_SETTINGS
// in server/src/lsp/settings.rs, with the same defaults as the VS Code
// manifest. Reads each client's own file with its own tool (Neovim, Emacs,
// Python's tomllib for Helix); a missing tool is a failure, not a skip.
//   node --test tests/editors/clients.test.mjs
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { readRustSettings } from './vscode/rust-settings.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const serverKeys = readRustSettings().server.map((s) => s.key).sort();
const manifest = JSON.parse(readFileSync(`${repo}editors/vscode/package.json`, 'utf8'));
const defaults = Object.fromEntries(serverKeys.map((key) => [key, manifest.contributes.configuration.properties[`specls.${key}`].default]));

/** `{ diagnostics: { trigger } , rules: {...}, logLevel }` -> { 'diagnostics.trigger': ..., rules: ..., logLevel: ... } */
function flatten(settings, prefix = '') {
  return Object.fromEntries(
    Object.entries(settings).flatMap(([key, value]) =>
      value && typeof value === 'object' && !Array.isArray(value) && key !== 'rules'
        ? Object.entries(flatten(value, `${prefix}${key}.`))
        : [[`${prefix}${key}`, Array.isArray(value) && value.length === 0 ? {} : value]],
    ),
  );
}

function run(command, args) {
  try {
    return execFileSync(command, args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30000 });
  } catch (error) {
    throw new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${error.stderr ?? ''}`);
  }
}

function assertSameSettings(client, settings) {
  const flat = flatten(settings);
  assert.deepEqual(Object.keys(flat).sort(), serverKeys, `${client}: the setting keys are SERVER_SETTINGS'`);
  assert.deepEqual(flat, defaults, `${client}: the defaults are the VS Code manifest's`);
}

test('neovim: lsp/specls.lua', () => {
  const lua = [
    "local c = dofile('editors/nvim/lsp/specls.lua')",
    "local params = {}",
    "c.before_init(params, c)",
    "io.stdout:write(vim.fn.json_encode({ cmd = c.cmd, filetypes = c.filetypes, root_markers = c.root_markers,",
    "  settings = c.settings, init = params.initializationOptions }))",
  ].join(' ');
  const config = JSON.parse(run('nvim', ['--headless', '--clean', '-c', `lua ${lua}`, '-c', 'qa!']));
  assert.deepEqual(config.cmd, ['specls']);
  assert.deepEqual(config.filetypes, ['markdown']);
  assert.deepEqual(config.root_markers, ['specs', '.git']);
  assert.deepEqual(Object.keys(config.settings), ['specls']);
  assertSameSettings('neovim settings', config.settings.specls);
  assert.deepEqual(config.init, config.settings, 'initializationOptions carry the same section');
});

test('emacs: specls.el', () => {
  const json = run('emacs', [
    '--batch',
    '-L',
    'editors/emacs',
    '--eval',
    "(progn (require 'specls) (princ (json-serialize (list :settings (specls-settings) :configuration (specls-workspace-configuration nil)))))",
  ]);
  const { settings, configuration } = JSON.parse(json.slice(json.indexOf('{')));
  assertSameSettings('emacs specls-settings', settings);
  assert.deepEqual(configuration, { specls: settings }, 'eglot-workspace-configuration gets the specls section');
});

test('helix: languages.toml', () => {
  const script = 'import json, sys, tomllib; print(json.dumps(tomllib.load(open(sys.argv[1], "rb"))))';
  const config = JSON.parse(run('python3', ['-c', script, 'editors/helix/languages.toml']));
  const server = config['language-server'].specls;
  assert.equal(server.command, 'specls');
  assert.deepEqual(server.args, ['serve', '--stdio']);
  assert.deepEqual(Object.keys(server.config), ['specls'], 'config is { specls = { ... } } (initializationOptions and workspace/configuration)');
  assertSameSettings('helix config', server.config.specls);
  assert.ok(
    server['required-root-patterns'].every((p) => p.startsWith('specs/')),
    'specls starts only where a specs/ feature folder exists',
  );
  const markdown = config.language.find((l) => l.name === 'markdown');
  assert.deepEqual(
    markdown?.['language-servers'],
    ['marksman', 'markdown-oxide', 'specls'],
    "markdown keeps Helix's built-in servers and adds specls",
  );
});
