// Bundle the extension (and vscode-languageclient) into dist/extension.js,
// and put the webview's assets in dist/media/, Mermaid included: the .vsix
// ships no node_modules (vsce package --no-dependencies).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const production = !process.argv.includes('--dev');

rmSync(join(here, 'dist'), { recursive: true, force: true });
await build({
  absWorkingDir: here,
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
  external: ['vscode'],
  platform: 'node',
  // VS Code 1.82 runs extensions on Node 18 (Electron 25).
  target: 'node18',
  format: 'cjs',
  minify: production,
  sourcemap: !production,
  logLevel: 'warning',
});

const media = join(here, 'dist', 'media');
mkdirSync(media, { recursive: true });
copyFileSync(join(dirname(require.resolve('mermaid/package.json')), 'dist', 'mermaid.min.js'), join(media, 'mermaid.min.js'));
for (const file of ['graph.js', 'graph.css']) copyFileSync(join(here, 'media', file), join(media, file));
console.log('built dist/extension.js and dist/media/');
