import { z } from 'zod';
import { FIRST_DATE, FIRST_YEAR, LAST_DATE, LAST_YEAR } from '../domain/time.js';

/** Ids: letters, digits, dash, underscore and dot; globally unique by the org-path convention. */
export const idSchema = z.string().trim().min(1).max(120).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, ".", "_" and "-"');
// Names are shown in pages and messages: control characters would garble them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
export const nameSchema = z.string().trim().min(1).max(200).refine((value) => !CONTROL.test(value), { message: 'control characters are not allowed', params: { code: 'control_characters' } });
const YEARS = `years ${FIRST_YEAR}–${LAST_YEAR}`;
// A refinement's problem carries a stable code (FIELD_PROBLEM_CODES) and its values in `params`;
// src/api/errors.ts gives them to the field problem, so a page can phrase it in its reader's language.
const YEARS_PROBLEM = { code: 'date_out_of_range', values: { first: FIRST_YEAR, last: LAST_YEAR } };
/** A calendar date in the years the service schedules in (src/domain/time.ts), so no calendar computation runs long. */
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD').refine((value) => {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}, { message: 'not a real calendar date', params: { code: 'date_not_real' } }).refine((value) => value >= FIRST_DATE && value <= LAST_DATE, { message: `must be within the ${YEARS}`, params: YEARS_PROBLEM });
/**
 * An instant with an explicit offset (Z or ±HH:MM), so no time zone is ever guessed, in the years
 * the service schedules in.
 */
export const isoDateTime = z.iso.datetime({ offset: true }).refine((value) => {
  const ms = Date.parse(value);
  return ms >= Date.parse(`${FIRST_DATE}T00:00:00Z`) && ms < Date.parse(`${LAST_YEAR + 1}-01-01T00:00:00Z`);
}, { message: `must be within the ${YEARS}`, params: YEARS_PROBLEM });
/** A link given as evidence (plan tasks, rollout milestones): http or https only, never javascript: or data:. */
export const evidenceLink = z.url({ protocol: /^https?$/, error: 'expected an http or https link' }).max(2000);
/** Up to 20 evidence links. */
export const evidenceLinks = z.array(evidenceLink).max(20).default([]);
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export const localeSchema = z.enum(['zh-CN', 'en']);
export const channelSchema = z.enum(['inbox', 'email', 'wecom']);
export const roleSchema = z.enum(['admin', 'supervisor', 'station_lead', 'social_worker', 'viewer']);
/** An org unit as pages show it. */
export const orgUnitView = z.object({ id: z.string(), kind: z.string(), name: z.object({ zh: z.string(), en: z.string() }) });

/**
 * The body of a create-or-import route: one record, a JSON array of records, or `{ csv }` with a
 * header row. Array items and CSV rows are validated one by one later, so every bad row is named.
 */
export const importBody = <T extends z.ZodType>(item: T) => z.union([
  item,
  z.array(z.unknown()).min(1).max(10_000),
  z.object({ csv: z.string().min(1).max(5_000_000) }).strict(),
]);
/** A district's worker list (a few thousand rows) fits in one all-or-nothing import. */
export const IMPORT_BODY_LIMIT = '5mb';
export const importResult = z.object({ imported: z.number(), ids: z.array(z.string()) });
