// Readers for API answers. Parts of the API land at different times, so each reader accepts the
// documented shape and tolerates a missing part (it shows as empty, never as invented data).

export type Json = Record<string, unknown>;

export const asArray = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
export const asObject = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
export const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
export const asNumber = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** The first defined value among dotted paths of an object. */
export function pick(source: unknown, ...paths: string[]): unknown {
  for (const path of paths) {
    let current: unknown = source;
    for (const part of path.split('.')) current = asObject(current)[part];
    if (current !== undefined && current !== null) return current;
  }
  return undefined;
}

/** A list answer: `{ items: [...] }` or a bare array. */
export const items = (answer: unknown): Json[] => (Array.isArray(answer) ? (answer as Json[]) : asArray(asObject(answer).items));

export type Name = { zh: string; en: string } | string;
export const nameOf = (value: unknown): Name => {
  if (typeof value === 'string') return value;
  const object = asObject(value);
  return { zh: asString(object.zh) ?? asString(object.en) ?? '', en: asString(object.en) ?? asString(object.zh) ?? '' };
};

export interface Community {
  id: string;
  name: { zh: string; en: string };
  isPlaceholder: boolean;
  station: { id: string; status: string } | null;
}
