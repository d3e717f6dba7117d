// The answers of the server's commands (`specls.nextTasks`, `specls.showGraph`),
// normalised for the user interface. No `vscode` import: unit-tested under plain Node.
//
// `specls.nextTasks` (for a quick pick) may answer an array, or
// `{ ready | tasks | items: [...] }`, of task IDs (`"T003"`), lines
// (`"T003 Configure ruff"`), `[id, description]` pairs, or objects
// `{ id, description | title | text, phase?, uri?, range? | location? }`
// where `range` is an LSP range (0-based lines).

export interface NextTaskItem {
  id: string;
  description: string;
  detail?: string;
  uri?: string;
  /** 0-based, from an LSP range; absent: look the ID up in tasks.md. */
  line?: number;
  character?: number;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

export function nextTaskItems(result: unknown): NextTaskItem[] {
  let list: unknown = result;
  if (isObject(list)) list = list.ready ?? list.tasks ?? list.items;
  if (!Array.isArray(list)) return [];
  const items: NextTaskItem[] = [];
  for (const entry of list) {
    const item =
      typeof entry === 'string'
        ? fromLine(entry)
        : Array.isArray(entry)
          ? fromPair(entry)
          : isObject(entry)
            ? fromObject(entry)
            : undefined;
    if (item) items.push(item);
  }
  return items;
}

function fromLine(line: string): NextTaskItem | undefined {
  const match = /^\s*(\S+)\s*(.*)$/.exec(line);
  return match ? { id: match[1], description: match[2] } : undefined;
}

function fromPair([id, description]: unknown[]): NextTaskItem | undefined {
  const name = text(id);
  return name ? { id: name, description: text(description) ?? '' } : undefined;
}

function fromObject(task: Json): NextTaskItem | undefined {
  const id = text(task.id) ?? text(task.taskId) ?? text(task.label);
  if (!id) return undefined;
  const item: NextTaskItem = {
    id,
    description: text(task.description) ?? text(task.title) ?? text(task.text) ?? '',
  };
  const detail = text(task.phase) ?? text(task.detail);
  if (detail) item.detail = detail;
  const location = isObject(task.location) ? task.location : task;
  const uri = text(location.uri);
  if (uri) item.uri = uri;
  const range = location.range;
  if (isObject(range) && isObject(range.start) && typeof range.start.line === 'number') {
    item.line = range.start.line;
    if (typeof range.start.character === 'number') item.character = range.start.character;
  }
  return item;
}

/** The Mermaid text of the server's `specls.showGraph` answer. */
export function mermaidText(result: unknown): string | undefined {
  if (typeof result === 'string') return result.trim() === '' ? undefined : result;
  if (isObject(result)) return text(result.mermaid) ?? text(result.graph) ?? text(result.text);
  return undefined;
}
