import { useCallback } from 'react';
import { api, unwrap, type Answer } from './api/client.js';
import { usePolled, type Polled } from './hooks.js';
import { localized, useI18n } from './i18n.js';

// The dimension catalog (GET /api/dimensions) is data in the records store and changes rarely, so
// every part of the page shares one read of it for a few minutes.

export type Dimension = Answer<'/api/dimensions'>['items'][number];

const FRESH_MS = 5 * 60_000;
let cached: { at: number; items: Promise<Dimension[]> } | undefined;

function loadDimensions(): Promise<Dimension[]> {
  if (cached && Date.now() - cached.at < FRESH_MS) return cached.items;
  const items = unwrap(api.GET('/api/dimensions')).then((answer) => answer.items);
  cached = { at: Date.now(), items };
  items.catch(() => {
    if (cached?.items === items) cached = undefined;
  });
  return items;
}

export function useDimensions(): Polled<Dimension[]> {
  return usePolled(loadDimensions, 'dimensions', FRESH_MS);
}

/** A dimension's name in the page's language; its key until the catalog has loaded or if it has none. */
export function useDimensionNames(): (key: string) => string {
  const { locale } = useI18n();
  const { data } = useDimensions();
  return useCallback((key: string) => {
    const dimension = data?.find((item) => item.key === key);
    return dimension ? localized(locale, dimension.name) : key;
  }, [data, locale]);
}
