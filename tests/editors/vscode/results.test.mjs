// src/results.ts: the server's command answers as the extension shows them
// (compiled on the fly with the extension's own esbuild).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const extensionDir = fileURLToPath(new URL('../../../editors/vscode/', import.meta.url));
const esbuild = createRequire(`${extensionDir}package.json`)('esbuild');
const { outputFiles } = esbuild.buildSync({
  entryPoints: [`${extensionDir}src/results.ts`],
  bundle: true,
  format: 'esm',
  platform: 'node',
  write: false,
});
const { nextTaskItems, mermaidText } = await import(`data:text/javascript,${encodeURIComponent(outputFiles[0].text)}`);

test('next tasks: IDs, lines, pairs, objects with LSP locations, wrapped lists', () => {
  assert.deepEqual(nextTaskItems(['T003', 'T004 Create database session']), [
    { id: 'T003', description: '' },
    { id: 'T004', description: 'Create database session' },
  ]);
  const uri = 'file:///repo/specs/001-team-invites/tasks.md';
  assert.deepEqual(
    nextTaskItems({
      ready: [
        { id: 'T003', description: 'Configure ruff', phase: 'Phase 1: Setup', uri, range: { start: { line: 15, character: 6 }, end: { line: 15, character: 10 } } },
        { id: 'T013', title: 'Accept', location: { uri, range: { start: { line: 51, character: 6 } } } },
        { description: 'no id: dropped' },
        42,
      ],
    }),
    [
      { id: 'T003', description: 'Configure ruff', detail: 'Phase 1: Setup', uri, line: 15, character: 6 },
      { id: 'T013', description: 'Accept', uri, line: 51, character: 6 },
    ],
  );
  // Rust's Vec<(String, String)> serialises as pairs.
  assert.deepEqual(nextTaskItems([['T003', 'Configure ruff'], ['T004']]), [
    { id: 'T003', description: 'Configure ruff' },
    { id: 'T004', description: '' },
  ]);
  // A bare `line` is ambiguous (1-based in the CLI, 0-based in LSP): ignored.
  assert.deepEqual(nextTaskItems([{ id: 'T005', line: 21 }]), [{ id: 'T005', description: '' }]);
  assert.deepEqual(nextTaskItems(null), []);
  assert.deepEqual(nextTaskItems({ tasks: [] }), []);
});

test('graph: Mermaid text as a string or inside an object', () => {
  assert.equal(mermaidText('graph TD\n  T001 --> T002\n'), 'graph TD\n  T001 --> T002\n');
  assert.equal(mermaidText({ mermaid: 'flowchart LR\n A-->B' }), 'flowchart LR\n A-->B');
  assert.equal(mermaidText(''), undefined);
  assert.equal(mermaidText(null), undefined);
});
