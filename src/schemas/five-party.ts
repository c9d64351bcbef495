import { z } from 'zod';
import { idSchema, isoDate, nameSchema } from './common.js';

// Five-party linkage (五社联动): the registries of social organisations, volunteers (with hours) and
// charitable resources, and the linkage index. A volunteer's name and phone are personal data:
// they are in the contacts view only, never in a list, the index or a report.

export const ORGANISATION_KINDS = ['social_group', 'social_service_agency', 'foundation', 'community_based'] as const;
export const RESOURCE_KINDS = ['money', 'goods', 'venue', 'service'] as const;
export const organisationKindSchema = z.enum(ORGANISATION_KINDS);
export const resourceKindSchema = z.enum(RESOURCE_KINDS);
export const LINKAGE_PARTIES = ['community', 'socialOrganisation', 'socialWorker', 'volunteer', 'charitableResource'] as const;

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month as YYYY-MM');
const text = (max: number) => z.string().trim().max(max).nullable().optional();
const shortList = z.array(z.string().trim().min(1).max(100)).max(20);
const localized = z.object({ zh: z.string(), en: z.string() });
const unitRef = z.object({ id: z.string(), name: localized });

export const organisationIdParams = z.object({ organisationId: idSchema });
export const volunteerIdParams = z.object({ volunteerId: idSchema });
export const resourceIdParams = z.object({ resourceId: idSchema });

// ── Social organisations ─────────────────────────────────────────────────────────────────────

export const organisationListQuery = z.object({
  communityId: idSchema.optional(),
  kind: organisationKindSchema.optional(),
  theme: idSchema.optional(),
}).strict();

export const organisationBody = z.object({
  /** The street (or, for a community-based organisation, the station) that registers it; the caller's scope. */
  orgUnitId: idSchema,
  name: z.object({ zh: nameSchema, en: nameSchema.optional() }).strict(),
  kind: organisationKindSchema,
  /** 统一社会信用代码 (18 characters) or a filing number; community-based organisations may have none. */
  registrationNumber: z.string().trim().min(1).max(40).regex(/^[0-9A-Za-z-]+$/, 'use letters, digits and "-"').nullable().optional(),
  /** The organisation's own contact (office phone, e-mail or address), not a person's. */
  contact: text(200),
  services: shortList.optional(),
  themes: z.array(idSchema).max(10).optional(),
  /** Stations it works with: communities under `orgUnitId`. */
  stationIds: z.array(idSchema).max(100).optional(),
  note: text(2000),
}).strict();
export type OrganisationBody = z.infer<typeof organisationBody>;

export const organisationView = z.object({
  id: z.string(),
  orgUnit: unitRef,
  name: localized,
  kind: organisationKindSchema,
  registrationNumber: z.string().nullable(),
  contact: z.string().nullable(),
  services: z.array(z.string()),
  themes: z.array(z.string()),
  stations: z.array(unitRef),
  note: z.string().nullable(),
  /** Default-data rows are examples, not facts from the source. */
  isExample: z.boolean(),
});
export const organisationListView = z.object({ items: z.array(organisationView) });
export const savedOrganisationView = organisationView.extend({ created: z.boolean() });

// ── Volunteers ───────────────────────────────────────────────────────────────────────────────

export const volunteerListQuery = z.object({
  communityId: idSchema.optional(),
  /** The month whose hours each volunteer shows; this month unless given. */
  month: month.optional(),
}).strict();
export const volunteerContactsQuery = z.object({ communityId: idSchema.optional(), volunteerId: idSchema.optional() }).strict();

export const volunteerBody = z.object({
  communityId: idSchema,
  /** Personal data: read back only through the audited contacts route. */
  name: nameSchema.pipe(z.string().max(60)),
  phone: z.string().trim().min(3).max(30).regex(/^[0-9+() -]+$/, 'use digits, spaces and "+()-"').nullable().optional(),
  skills: shortList.optional(),
  active: z.boolean().optional(),
}).strict();
export type VolunteerBody = z.infer<typeof volunteerBody>;

export const volunteerView = z.object({
  id: z.string(),
  communityId: z.string(),
  communityName: localized,
  skills: z.array(z.string()),
  active: z.boolean(),
  isExample: z.boolean(),
  /** Hours logged in `month`, and over all time. */
  hours: z.object({ month: z.string(), inMonth: z.number(), total: z.number() }),
});
export const volunteerListView = z.object({ month: z.string(), items: z.array(volunteerView) });
export const savedVolunteerView = volunteerView.extend({ created: z.boolean() });
export const volunteerContactsView = z.object({
  items: z.array(z.object({ id: z.string(), communityId: z.string(), name: z.string(), phone: z.string().nullable() })),
});

export const volunteerHoursBody = z.object({
  servedOn: isoDate,
  hours: z.number().positive().max(24).multipleOf(0.25),
  /** The service record the hours were given to (the volunteer's station's), or … */
  serviceRecordId: idSchema.nullable().optional(),
  /** … the activity, when there is no record. */
  activity: z.string().trim().min(1).max(200).nullable().optional(),
}).strict().superRefine((body, ctx) => {
  if (!body.serviceRecordId && !body.activity) ctx.addIssue({ code: 'custom', path: ['serviceRecordId'], message: 'name a service record or an activity' });
});
export const loggedHoursView = z.object({
  id: z.string(), volunteerId: z.string(), communityId: z.string(), servedOn: z.string(), hours: z.number(),
  serviceRecordId: z.string().nullable(), activity: z.string().nullable(),
});

export const volunteerHoursQuery = z.object({
  communityId: idSchema.optional(),
  volunteerId: idSchema.optional(),
  from: month.optional(),
  to: month.optional(),
}).strict();
export const volunteerHoursView = z.object({
  /** Hours per month (and station), summed in SQL. */
  months: z.array(z.object({ month: z.string(), communityId: z.string(), hours: z.number(), entries: z.number(), volunteers: z.number() })),
  total: z.number(),
});

// ── Charitable resources ─────────────────────────────────────────────────────────────────────

export const resourceListQuery = z.object({
  communityId: idSchema.optional(),
  kind: resourceKindSchema.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
}).strict();

export const resourceBody = z.object({
  /** The station (community) it is for, or the street. */
  orgUnitId: idSchema,
  projectId: idSchema.nullable().optional(),
  /** The registered social organisation that gave it, if any. */
  organisationId: idSchema.nullable().optional(),
  /** The donor or fund, as it should be thanked. */
  donor: nameSchema,
  kind: resourceKindSchema,
  amount: z.number().min(0).max(1_000_000_000),
  /** 元, 件, 小时, 平方米, 次 … */
  unit: z.string().trim().min(1).max(20),
  restrictions: text(1000),
  receivedOn: isoDate,
  note: text(2000),
}).strict();
export type ResourceBody = z.infer<typeof resourceBody>;

export const resourceView = z.object({
  id: z.string(),
  orgUnit: unitRef,
  projectId: z.string().nullable(),
  organisationId: z.string().nullable(),
  donor: z.string(),
  kind: resourceKindSchema,
  amount: z.number(),
  unit: z.string(),
  restrictions: z.string().nullable(),
  receivedOn: z.string(),
  note: z.string().nullable(),
  isExample: z.boolean(),
});
export const resourceListView = z.object({ items: z.array(resourceView) });
export const savedResourceView = resourceView.extend({ created: z.boolean() });

// ── Linkage index ────────────────────────────────────────────────────────────────────────────

export const linkageIndexQuery = z.object({ communityId: idSchema.optional() }).strict();
const parties = z.object({
  community: z.boolean(), socialOrganisation: z.boolean(), socialWorker: z.boolean(), volunteer: z.boolean(), charitableResource: z.boolean(),
});
const partyCounts = z.object({
  community: z.number(), socialOrganisation: z.number(), socialWorker: z.number(), volunteer: z.number(), charitableResource: z.number(),
});
export const linkageStationView = z.object({
  communityId: z.string(),
  communityName: localized,
  streetId: z.string(),
  parties,
  /** How many of the five took part. */
  score: z.number(),
  figures: z.object({
    communityRecords: z.number(), serviceRecords: z.number(), socialWorkers: z.number(), volunteers: z.number(),
    volunteerHours: z.number(), resources: z.number(), organisations: z.number(),
  }),
});
export const linkageStreetView = z.object({
  streetId: z.string(),
  streetName: localized,
  stations: z.number(),
  parties,
  /** Stations where each party took part. */
  stationsWith: partyCounts,
  score: z.number(),
});
export const linkageIndexView = z.object({
  from: z.string(),
  to: z.string(),
  days: z.number(),
  stations: z.array(linkageStationView),
  streets: z.array(linkageStreetView),
});
export type LinkageIndexView = z.infer<typeof linkageIndexView>;
