import { z } from 'zod';

// Answers of the catalog routes.

const localized = z.object({ zh: z.string(), en: z.string() });

export const dimensionView = z.object({
  key: z.string(),
  name: localized,
  levels: z.array(z.object({ level: z.number().int(), name: localized })),
});

export const dimensionListView = z.object({ items: z.array(dimensionView) });
