// Edit -> diagnostics latency of two language servers driven by the same
// client over stdio: specls (pushed diagnostics of the edited version) and
// vscode-markdown-languageserver (pull diagnostics after each edit; its
// `markdown/parse` requests are answered with markdown-it tokens, as VS
// Code does). Used by scripts/bench-peers.
//
// node bench_peers.mjs SPECLS PEER_MAIN MARKDOWN_IT FEATURE_DIR EDITS
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [specls, peerMain, markdownItPath, featureDir, editsArg] = process.argv.slice(2);
const edits = Number(editsArg || 200);
// Longest wait for one answer or notification.
const TIMEOUT_MS = 30_000;
const require = createRequire(import.meta.url);
const markdownIt = require(markdownItPath)({ html: true });

class Client {
  constructor(command, args) {
    this.child = spawn(command, args, { stdio: ["pipe", "pipe", "ignore"] });
    this.buffer = Buffer.alloc(0);
    this.waiters = [];
    this.handlers = {};
    this.texts = new Map();
    this.nextId = 100;
    this.child.stdout.on("data", (chunk) => this.receive(chunk));
  }
  send(message) {
    const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }));
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }
  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const header = this.buffer.subarray(0, end).toString();
      const length = Number(/content-length:\s*(\d+)/i.exec(header)[1]);
      if (this.buffer.length < end + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString());
      this.buffer = this.buffer.subarray(end + 4 + length);
      this.dispatch(message);
    }
  }
  dispatch(message) {
    if (message.method && message.id !== undefined) {
      const handler = this.handlers[message.method];
      this.send({ id: message.id, result: handler ? handler(message.params) : null });
      return;
    }
    this.waiters = this.waiters.filter((w) => !w(message));
  }
  // Every wait has a deadline: a peer that never answers fails its
  // workload instead of hanging the run.
  waitFor(predicate, what, ms = TIMEOUT_MS) {
    return new Promise((resolve, reject) => {
      const waiter = (m) => (predicate(m) ? (clearTimeout(timer), resolve(m), true) : false);
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${what} within ${ms / 1000} s`));
      }, ms);
      this.waiters.push(waiter);
    });
  }
  request(method, params) {
    const id = this.nextId++;
    const reply = this.waitFor((m) => m.id === id && !m.method, `answer to ${method}`);
    this.send({ id, method, params });
    return reply;
  }
  notify(method, params) {
    this.send({ method, params });
  }
}

// The middle task line, and the column where its description starts
// (after the checkbox, the ID and bracketed labels): specls::synth::typing_point.
function typingPoint(text) {
  const lines = text.split("\n");
  const tasks = lines.map((l, i) => [l, i]).filter(([l]) => l.startsWith("- ["));
  const [line, index] = tasks[Math.floor(tasks.length / 2)];
  let column = line.indexOf(" ", 6) + 1;
  while (line.startsWith("[", column)) {
    const end = line.indexOf("] ", column);
    if (end < 0) break;
    column = end + 2;
  }
  return [index, column];
}

function percentile(sorted, p) {
  return sorted[Math.round((sorted.length - 1) * p)];
}

async function measure(name, client, pull) {
  const rootUri = pathToFileURL(featureDir).toString();
  const path = `${featureDir}/tasks.md`;
  const uri = pathToFileURL(path).toString();
  let text = readFileSync(path, "utf8");
  client.texts.set(uri, text);
  client.handlers["markdown/parse"] = (p) => markdownIt.parse(p.text ?? client.texts.get(p.uri) ?? "", {});
  client.handlers["markdown/fs/stat"] = () => ({ isDirectory: false });
  client.handlers["markdown/fs/readDirectory"] = () => [];
  client.handlers["markdown/findMarkdownFilesInWorkspace"] = () => [uri];
  client.handlers["markdown/fs/readFile"] = (p) => Array.from(Buffer.from(client.texts.get(p.uri) ?? ""));
  client.handlers["workspace/configuration"] = (p) => p.items.map(() => null);
  await client.request("initialize", {
    processId: process.pid,
    rootUri,
    workspaceFolders: [{ uri: rootUri, name: "bench" }],
    // Only the peer is told that the client pulls diagnostics: specls then
    // stops pushing those of open documents, and it is measured pushing.
    capabilities: pull ? { textDocument: { diagnostic: { dynamicRegistration: false } } } : {},
  });
  client.notify("initialized", {});
  const validate = { enabled: "warning" };
  client.notify("workspace/didChangeConfiguration", {
    settings: {
      markdown: {
        validate: {
          enabled: true, referenceLinks: validate, fragmentLinks: validate, unusedLinkDefinitions: validate,
          duplicateLinkDefinitions: validate, fileLinks: { ...validate, markdownFragmentLinks: "inherit" },
          ignoredLinks: [],
        },
      },
    },
  });
  const diagnosticsOf = (version) =>
    pull
      ? client.request("textDocument/diagnostic", { textDocument: { uri } })
      : client.waitFor(
          (m) => m.method === "textDocument/publishDiagnostics" && m.params.uri === uri && m.params.version === version,
          `diagnostics of version ${version}`,
        );
  const opened = diagnosticsOf(1);
  client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "markdown", version: 1, text } });
  await opened;
  const [line, column] = typingPoint(text);
  const lines = text.split("\n");
  const times = [];
  for (let i = 0; i < edits; i++) {
    const version = i + 2;
    const insert = i % 2 === 0;
    lines[line] = insert ? lines[line].slice(0, column) + "x" + lines[line].slice(column) : lines[line].slice(0, column) + lines[line].slice(column + 1);
    client.texts.set(uri, lines.join("\n"));
    const started = process.hrtime.bigint();
    const done = pull ? null : diagnosticsOf(version);
    client.notify("textDocument/didChange", {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character: column }, end: { line, character: insert ? column : column + 1 } }, text: insert ? "x" : "" }],
    });
    await (pull ? diagnosticsOf(version) : done);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  await client.request("shutdown", null);
  client.notify("exit", null);
  return { name, p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

// A workload that fails (a timeout) reports its error instead of figures.
async function tryMeasure(name, command, args, pull) {
  const client = new Client(command, args);
  try {
    return await measure(name, client, pull);
  } catch (error) {
    client.child.kill();
    return { name, error: error.message };
  }
}

const ours = await tryMeasure("specls", specls, ["serve"], false);
const peer = await tryMeasure("vscode-markdown-languageserver", process.execPath, [peerMain, "--stdio"], true);
console.log(JSON.stringify({ ours, peer }));
process.exit(0);
