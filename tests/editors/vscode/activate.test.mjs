// Loads the bundle (editors/vscode/dist/extension.js, built by
// `npm run build`) under a fake `vscode` and runs activate(): the commands
// it registers must be the ones package.json declares, the settings it
// sends must be the server's contract, and a missing executable must end
// in a readable error, not a crash.
//   node --test tests/editors/vscode/activate.test.mjs
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Module, { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { readRustSettings } from './rust-settings.mjs';

const require = createRequire(import.meta.url);
const { create } = require('./fake-vscode.cjs');
const bundle = fileURLToPath(new URL('../../../editors/vscode/dist/extension.js', import.meta.url));
const manifest = JSON.parse(readFileSync(new URL('../../../editors/vscode/package.json', import.meta.url), 'utf8'));

/** A fresh copy of the bundle bound to a fresh fake `vscode`. */
function load(options) {
  assert.ok(existsSync(bundle), `${bundle} is missing: run \`npm run build\` in editors/vscode first`);
  const fake = create(options);
  const originalLoad = Module._load;
  Module._load = function (request, ...rest) {
    return request === 'vscode' ? fake.vscode : originalLoad.call(this, request, ...rest);
  };
  try {
    delete require.cache[bundle];
    return { extension: require(bundle), calls: fake.calls };
  } finally {
    Module._load = originalLoad;
  }
}

const context = () => ({ subscriptions: [], extensionUri: { fsPath: '/ext', path: '/ext', scheme: 'file' } });

test('activate registers exactly the commands package.json declares', async () => {
  const { extension, calls } = load({ settings: { 'specls.path': '/nonexistent/specls' } });
  await extension.activate(context());
  const registered = calls.commands.map((c) => c.id).sort();
  const declared = manifest.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(registered, declared);
  assert.deepEqual(Object.values(extension.COMMANDS).sort(), declared);
  // None may shadow a server command vscode-languageclient registers itself.
  for (const server of Object.values(extension.SERVER_COMMANDS)) assert.ok(!registered.includes(server), server);
  await extension.deactivate();
});

test('a missing executable is said once, quietly, in the output channel', async () => {
  const { extension, calls } = load({ settings: { 'specls.path': '/nonexistent/specls' } });
  await extension.activate(context());
  assert.deepEqual(calls.errors, [], 'no pop-up');
  const ours = calls.lines.filter((line) => line.includes('was not found'));
  assert.equal(ours.length, 1, `one line of ours, got ${JSON.stringify(calls.lines)}`);
  assert.match(ours[0], /`\/nonexistent\/specls`/);
  assert.match(ours[0], /specls\.path/);
  await extension.deactivate();
});

test('the status bar shows the server state and opens the log', async () => {
  const { extension, calls } = load({ settings: { 'specls.path': '/nonexistent/specls' } });
  await extension.activate(context());
  assert.equal(calls.statusItems.length, 1);
  const [item] = calls.statusItems;
  assert.equal(item.command, 'specls.client.showLog');
  assert.ok(item.shown, 'visible');
  assert.equal(item.text, '$(warning) specls');
  assert.match(item.tooltip, /not found/);
  const states = ['starting', 'running', 'stopped', 'missing'].map((s) => extension.statusText(s, '/bin/specls').text);
  assert.deepEqual(states, ['$(sync~spin) specls', '$(check) specls', '$(error) specls', '$(warning) specls']);
  await extension.deactivate();
});

test('an empty specls.path starts the binary a platform .vsix ships, else specls on PATH', async () => {
  const root = mkdtempSync(join(tmpdir(), 'specls-ext-'));
  try {
    const { extension } = load({});
    assert.equal(extension.bundledExecutable(root), undefined);
    mkdirSync(join(root, 'bin'));
    writeFileSync(join(root, 'bin', 'specls'), '#!/bin/sh\n', { mode: 0o755 });
    assert.equal(extension.bundledExecutable(root), join(root, 'bin', 'specls'));
    // (Not activated: that would start the fake binary.)
    assert.equal(extension.serverExecutable(root), join(root, 'bin', 'specls'));
    assert.equal(extension.serverExecutable(join(root, 'nowhere')), 'specls');
    const configured = load({ settings: { 'specls.path': '/opt/specls' } });
    assert.equal(configured.extension.serverExecutable(root), '/opt/specls', 'specls.path wins over the bundle');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('executables: a path must be a file, a bare name is looked up on PATH', () => {
  const { extension } = load({});
  assert.equal(extension.executableExists('/nonexistent/specls'), false);
  assert.equal(extension.executableExists(process.execPath), true);
  assert.equal(extension.executableExists('no-such-command-for-specls'), false);
  assert.equal(extension.executableExists('node'), true, 'node is on PATH while this test runs');
});

test('lens commands name their document as { uri } or a URI string', () => {
  const { extension } = load({});
  assert.equal(extension.lensUri([{ uri: 'file:///r/specs/001-a/tasks.md' }]).toString(), 'file:///r/specs/001-a/tasks.md');
  assert.equal(extension.lensUri(['file:///r/specs/001-a/tasks.md']).toString(), 'file:///r/specs/001-a/tasks.md');
  assert.equal(extension.lensUri([]), undefined);
});

test('specls.path: empty means specls on PATH; ~ and relative paths resolve', () => {
  const home = process.env.HOME;
  const cases = [
    [{}, 'specls'],
    [{ 'specls.path': '  ' }, 'specls'],
    [{ 'specls.path': '/opt/specls/bin/specls' }, '/opt/specls/bin/specls'],
    [{ 'specls.path': '~/bin/specls' }, `${home}/bin/specls`],
  ];
  for (const [settings, expected] of cases) {
    assert.equal(load({ settings }).extension.serverExecutable(), expected, JSON.stringify(settings));
  }
  const folder = { uri: { fsPath: '/repo' } };
  const { extension } = load({ settings: { 'specls.path': 'target/debug/specls' }, workspaceFolders: [folder] });
  assert.equal(extension.serverExecutable(), '/repo/target/debug/specls');
});

test('the settings sent to the server are the keys of SERVER_SETTINGS', () => {
  const { extension } = load({
    settings: {
      'specls.diagnostics.trigger': 'save',
      'specls.rules': { 'missing-file-path': 'off' },
      'specls.logLevel': 'debug',
      'specls.configPath': 'ci/specls.toml',
      'specls.path': '/x',
    },
  });
  const sent = extension.settingsObject();
  assert.deepEqual(sent, {
    diagnostics: { trigger: 'save' },
    rules: { 'missing-file-path': 'off' },
    logLevel: 'debug',
    configPath: 'ci/specls.toml',
  });
  const flat = (object, prefix = '') =>
    Object.entries(object).flatMap(([k, v]) =>
      v && typeof v === 'object' && k !== 'rules' ? flat(v, `${prefix}${k}.`) : [`${prefix}${k}`],
    );
  assert.deepEqual(flat(sent).sort(), readRustSettings().server.map((s) => s.key).sort());
});

test('the document selector: markdown under specs/, contracts as yaml or json', () => {
  const { extension } = load({});
  assert.deepEqual(extension.DOCUMENT_SELECTOR, [
    { scheme: 'file', language: 'markdown', pattern: '**/specs/**' },
    { scheme: 'file', language: 'yaml', pattern: '**/specs/**/contracts/**' },
    { scheme: 'file', language: 'json', pattern: '**/specs/**/contracts/**' },
  ]);
});
