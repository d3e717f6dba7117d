// The settings contract of server/src/lsp/settings.rs, read from the Rust
// source (no Rust code is added for the clients' sake): SERVER_SETTINGS,
// `(key, accepted values)` pairs, and CLIENT_SETTINGS, keys.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SETTINGS_RS = fileURLToPath(new URL('../../../server/src/lsp/settings.rs', import.meta.url));

const STRING = String.raw`"((?:[^"\\]|\\.)*)"`;

/** The text between `const NAME ... = &[` and its closing `];`. */
function slice(source, name) {
  const start = source.search(new RegExp(String.raw`\bconst\s+${name}\s*:[^=]*=\s*&\[`));
  if (start < 0) throw new Error(`${SETTINGS_RS}: no \`const ${name}: ... = &[...]\` found`);
  const open = source.indexOf('&[', start) + 2;
  const close = source.indexOf('];', open);
  if (close < 0) throw new Error(`${SETTINGS_RS}: \`${name}\` has no closing \`];\``);
  return source.slice(open, close);
}

/** A Rust string literal's body as a JS string (the escapes settings.rs uses). */
const unescape = (body) => JSON.parse(`"${body}"`);

/** The string literals of a value grammar such as `"edit" | "save"`. */
export function literals(grammar) {
  return [...grammar.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
}

export function readRustSettings(source = readFileSync(SETTINGS_RS, 'utf8')) {
  const server = [...slice(source, 'SERVER_SETTINGS').matchAll(new RegExp(String.raw`\(\s*${STRING}\s*,\s*${STRING}\s*\)`, 'g'))].map(
    (m) => ({ key: unescape(m[1]), values: unescape(m[2]) }),
  );
  const client = [...slice(source, 'CLIENT_SETTINGS').matchAll(new RegExp(STRING, 'g'))].map((m) => unescape(m[1]));
  if (server.length === 0) throw new Error(`${SETTINGS_RS}: SERVER_SETTINGS parsed as empty`);
  if (client.length === 0) throw new Error(`${SETTINGS_RS}: CLIENT_SETTINGS parsed as empty`);
  return { server, client };
}
