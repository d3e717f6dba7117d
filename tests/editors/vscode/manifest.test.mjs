// The VS Code extension's manifest (editors/vscode/package.json) against
// the settings contract of server/src/lsp/settings.rs, and against itself.
//   node --test tests/editors/vscode/manifest.test.mjs
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { literals, readRustSettings, SETTINGS_RS } from './rust-settings.mjs';

const manifestPath = new URL('../../../editors/vscode/package.json', import.meta.url);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const rust = readRustSettings();

/** contributes.configuration may be one object or an array of them. */
function contributedProperties() {
  const configuration = manifest.contributes?.configuration;
  const sections = Array.isArray(configuration) ? configuration : [configuration];
  return Object.assign({}, ...sections.map((s) => s?.properties ?? {}));
}
const properties = contributedProperties();
const sorted = (values) => [...values].sort();

test('contributed specls.* settings are exactly SERVER_SETTINGS ∪ CLIENT_SETTINGS', () => {
  const contributed = Object.keys(properties);
  assert.deepEqual(
    contributed.filter((key) => !key.startsWith('specls.')),
    [],
    'every setting is in the `specls` section',
  );
  const expected = [...rust.server.map((s) => `specls.${s.key}`), ...rust.client.map((k) => `specls.${k}`)];
  assert.deepEqual(
    sorted(contributed),
    sorted(expected),
    `package.json contributes.configuration must list exactly the settings of ${SETTINGS_RS}`,
  );
});

test('each server setting accepts exactly the values the server accepts', () => {
  for (const { key, values } of rust.server) {
    const property = properties[`specls.${key}`];
    const object = /^\s*\{\s*"[^"]*"\s*:(.*)\}\s*$/.exec(values);
    if (object) {
      // `{ "<rule-code>": "error" | ... }`: an object of enumerated strings.
      assert.equal(property.type, 'object', `specls.${key}: type`);
      assert.deepEqual(property.additionalProperties?.enum, literals(object[1]), `specls.${key}: value enum (server: ${values})`);
      assert.deepEqual(property.default, {}, `specls.${key}: default`);
    } else if (literals(values).length === 0) {
      // A free string such as a path (`configPath`): empty by default.
      assert.equal(property.type, 'string', `specls.${key}: type`);
      assert.equal(property.enum, undefined, `specls.${key}: no enum`);
      assert.equal(property.default, '', `specls.${key}: default`);
    } else {
      assert.equal(property.type, 'string', `specls.${key}: type`);
      assert.deepEqual(property.enum, literals(values), `specls.${key}: enum (server: ${values})`);
      assert.ok(property.enum.includes(property.default), `specls.${key}: default ${property.default} is one of the enum`);
      assert.equal(property.enumDescriptions?.length ?? property.enum.length, property.enum.length, `specls.${key}: one description per value`);
    }
  }
});

test('client settings: specls.path and the standard languageclient trace setting', () => {
  assert.deepEqual(properties['specls.path'], { ...properties['specls.path'], type: 'string', default: '' });
  assert.deepEqual(properties['specls.trace.server'].enum, ['off', 'messages', 'verbose']);
  assert.equal(properties['specls.trace.server'].default, 'off');
  assert.ok(
    manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('specls.path'),
    'a workspace must not choose the executable in an untrusted folder',
  );
});

test('every setting is documented', () => {
  for (const [key, property] of Object.entries(properties)) {
    const description = property.markdownDescription ?? property.description;
    assert.ok(typeof description === 'string' && description.length > 20, `${key} has a description`);
    assert.ok('default' in property, `${key} has a default`);
  }
});

test('activation, entry point and engines', () => {
  // Only where a specs/ folder exists: never in other markdown projects.
  assert.deepEqual(manifest.activationEvents, ['workspaceContains:**/specs/**/*.md']);
  assert.equal(manifest.main, './dist/extension.js');
  assert.equal(manifest.engines.vscode, '^1.82.0');
  assert.equal(manifest.devDependencies['@types/vscode'], '1.82.0', '@types/vscode must not be newer than engines.vscode');
  assert.match(manifest.dependencies['vscode-languageclient'], /^9\./);
  assert.match(manifest.devDependencies['@vscode/vsce'], /^3\./);
});

test('commands: titled, in the specls category, and not named like server commands', () => {
  const ids = manifest.contributes.commands.map((c) => c.command);
  assert.deepEqual(
    sorted(ids),
    sorted(['specls.client.restartServer', 'specls.client.showLog', 'specls.client.renumberTasks', 'specls.client.showGraph', 'specls.client.nextTasks']),
  );
  for (const command of manifest.contributes.commands) {
    assert.equal(command.category, 'specls', `${command.command}: category`);
    assert.ok(command.title, `${command.command}: title`);
  }
  // vscode-languageclient registers the server's executeCommandProvider
  // commands under their own names: ours must differ, or activation fails.
  for (const server of ['specls.renumberTasks', 'specls.showGraph', 'specls.nextTasks']) {
    assert.ok(!ids.includes(server), `${server} is a server command name`);
  }
});

test('every semantic token type of the server is declared and has a scope', () => {
  const source = readFileSync(new URL('../../../server/src/ide/semantic_tokens.rs', import.meta.url), 'utf8');
  const names = [...source.matchAll(/TokenKind::\w+ => "(spec\w+)"/g)].map((m) => m[1]);
  assert.ok(names.length >= 7, `token names read from semantic_tokens.rs: ${names}`);
  const declared = manifest.contributes.semanticTokenTypes.map((t) => t.id);
  assert.deepEqual(sorted(declared), sorted(names));
  for (const type of manifest.contributes.semanticTokenTypes) {
    assert.ok(type.superType && type.description, `${type.id}: superType and description`);
  }
  const scopes = manifest.contributes.semanticTokenScopes.find((s) => s.language === 'markdown').scopes;
  for (const name of names) assert.ok(scopes[name]?.length > 0, `${name} has a TextMate scope`);
});
