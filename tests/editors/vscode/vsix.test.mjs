// The packaged extension (editors/vscode/specls.vsix, from `npm run
// package`): exactly the bundle, the webview assets (Mermaid included) and
// the docs; no sources, no node_modules. Reads the zip's central directory
// itself (no dependency).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const vsixPath = fileURLToPath(new URL(process.env.SPECLS_VSIX ?? '../../../editors/vscode/specls.vsix', import.meta.url));

/** name -> { method, compressedSize, offset } of every zip entry. */
function zipEntries(zip) {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, `${vsixPath} is not a zip file`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'central directory entry');
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    entries.set(zip.toString('utf8', at + 46, at + 46 + nameLength), {
      method: zip.readUInt16LE(at + 10),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      offset: zip.readUInt32LE(at + 42),
      // Unix permissions, in the high half of the external attributes.
      mode: (zip.readUInt32LE(at + 38) >>> 16) & 0o7777,
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function read(zip, entry) {
  const start = entry.offset + 30 + zip.readUInt16LE(entry.offset + 26) + zip.readUInt16LE(entry.offset + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  return entry.method === 8 ? inflateRawSync(data) : data;
}

test('the .vsix holds the bundle, the webview assets and the docs, nothing else', () => {
  assert.ok(existsSync(vsixPath), `${vsixPath} is missing: run \`npm run package\` in editors/vscode`);
  const zip = readFileSync(vsixPath);
  const entries = zipEntries(zip);
  assert.deepEqual([...entries.keys()].sort(), [
    '[Content_Types].xml',
    'extension.vsixmanifest',
    'extension/LICENSE.txt',
    'extension/dist/extension.js',
    'extension/dist/media/graph.css',
    'extension/dist/media/graph.js',
    'extension/dist/media/mermaid.min.js',
    'extension/package.json',
    'extension/readme.md',
  ]);
  assert.ok(entries.get('extension/dist/media/mermaid.min.js').size > 1_000_000, 'the whole Mermaid bundle is shipped');
  const bundle = read(zip, entries.get('extension/dist/extension.js')).toString('utf8');
  assert.ok(bundle.includes('specls.client.showGraph') && bundle.includes('specls.renumberTasks'), 'the bundle is the extension');
  assert.ok(!/require\("vscode-languageclient/.test(bundle), 'vscode-languageclient is bundled, not required at run time');
  const packaged = JSON.parse(read(zip, entries.get('extension/package.json')).toString('utf8'));
  const source = JSON.parse(readFileSync(new URL('../../../editors/vscode/package.json', import.meta.url), 'utf8'));
  assert.deepEqual(packaged.contributes, source.contributes);
  const readme = read(zip, entries.get('extension/readme.md')).toString('utf8');
  assert.match(readme, /specls\.path/, 'the README documents the settings');
});

test('the platform .vsix also ships the server, executable, and says its target', () => {
  const platformPath = process.env.SPECLS_PLATFORM_VSIX;
  assert.ok(platformPath && existsSync(platformPath), `SPECLS_PLATFORM_VSIX (${platformPath}) is missing: run scripts/package-vsix`);
  const zip = readFileSync(platformPath);
  const entries = zipEntries(zip);
  const plain = [...zipEntries(readFileSync(vsixPath)).keys()];
  assert.deepEqual([...entries.keys()].sort(), [...plain, 'extension/bin/specls'].sort());
  const server = entries.get('extension/bin/specls');
  assert.ok(server.size > 1_000_000, `the server binary is inside (${server.size} bytes)`);
  assert.equal(server.mode & 0o111, 0o111, `bin/specls is executable (mode ${server.mode.toString(8)})`);
  const manifest = read(zip, entries.get('extension.vsixmanifest')).toString('utf8');
  assert.match(manifest, /TargetPlatform="linux-x64"/);
});
