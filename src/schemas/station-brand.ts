import { z } from 'zod';
import { idSchema } from './common.js';

// A station's brand (一站一品牌一特色): name, feature and linked venture projects.

/** The longest brand name and feature, in characters (the store checks the same bounds). */
export const BRAND_NAME_MAX = 60;
export const BRAND_FEATURE_MAX = 500;
export const BRAND_PROJECTS_MAX = 20;

// Shown in pages and messages: control characters would garble them (a feature may break lines).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/;
const controlProblem = { message: 'control characters are not allowed', params: { code: 'control_characters' } };

const brandName = z.string().trim().min(1).max(BRAND_NAME_MAX).refine((value) => !CONTROL.test(value), controlProblem);
const brandFeature = z.string().trim().min(1).max(BRAND_FEATURE_MAX).refine((value) => !CONTROL_BUT_LINE_BREAKS.test(value), controlProblem);

export const brandBody = z.object({
  /** The brand's name; English optional (the Chinese stands in). */
  name: z.object({ zh: brandName, en: brandName.optional() }).strict(),
  /** What the station is known for, in a few sentences. */
  feature: z.object({ zh: brandFeature, en: brandFeature.optional() }).strict(),
  /** Venture projects of this station's community that carry the brand, in the order to show them; none is fine. */
  projectIds: z.array(idSchema).max(BRAND_PROJECTS_MAX).default([]),
}).strict();
export type BrandBody = z.infer<typeof brandBody>;

const localized = z.object({ zh: z.string(), en: z.string() });

export const brandView = z.object({
  communityId: z.string(),
  communityName: localized,
  name: localized,
  feature: localized,
  /** The linked venture projects, in order (a project since moved to another community is left out). */
  projects: z.array(z.object({ id: z.string(), title: localized, theme: z.string(), status: z.string() })),
  /** Who last changed it; left out for viewers. */
  updatedBy: z.string().optional(),
  updatedAt: z.string(),
});
export const savedBrandView = brandView.extend({
  /** Whether this call recorded the station's first brand. */
  created: z.boolean(),
  /** False when the brand sent was the one recorded: nothing was written. */
  changed: z.boolean(),
});
