// Names the page has seen, by id: every answer from the API is scanned for records that carry an
// id and a name (a worker's displayName, a community's { zh, en } name, a dimension's key and
// name), so a refusal that says "worker w-17" can be shown as "张三" without another request.

export type Name = string | { zh?: string; en?: string };

const names = new Map<string, Name>();
const MAX_NAMES = 20_000;
const MAX_DEPTH = 6;

function isName(value: unknown): value is Name {
  if (typeof value === 'string') return value.length > 0;
  return typeof value === 'object' && value !== null && (typeof (value as { zh?: unknown }).zh === 'string' || typeof (value as { en?: unknown }).en === 'string');
}

function remember(id: unknown, name: unknown) {
  if (typeof id !== 'string' || !id || !isName(name) || names.size >= MAX_NAMES) return;
  names.set(id, name);
}

/** Records every (id, name) pair in an API answer. */
export function rememberNames(value: unknown, depth = 0): void {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) rememberNames(item, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  remember(record.id, record.displayName ?? record.name);
  remember(record.key, record.name);
  // Rows that name what they point at: { workerId, workerName }, { communityId, communityName } …
  for (const [field, id] of Object.entries(record)) {
    if (field.endsWith('Id') && typeof id === 'string') remember(id, record[`${field.slice(0, -2)}Name`]);
  }
  for (const child of Object.values(record)) if (typeof child === 'object') rememberNames(child, depth + 1);
}

/** The name seen for an id, in the page's language, or undefined. */
export function nameOf(id: string, locale: 'zh-CN' | 'en'): string | undefined {
  const name = names.get(id);
  if (name === undefined) return undefined;
  if (typeof name === 'string') return name;
  return (locale === 'en' ? name.en : name.zh) ?? name.zh ?? name.en;
}
