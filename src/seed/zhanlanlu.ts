import type { Localized, ThemeKey } from '../domain/types.js';

// The Zhanlanlu Street model from the source report (DESIGN.md). Facts from the report: one center,
// 23 communities, 11 stations operating, 12 to cover, four named stations with their projects and
// 1,100 residents served by the special projects. The report names only four communities: the
// other 19 are placeholders, flagged `isPlaceholder`, to be replaced by `shegong import
// communities FILE` with the street's real list (same ids keep every record attached).

export const ORG = {
  city: { id: 'cn-bj', name: { zh: '北京市', en: 'Beijing' } },
  district: { id: 'cn-bj-xicheng', name: { zh: '西城区', en: 'Xicheng District' } },
  street: { id: 'cn-bj-xicheng-zhanlanlu', name: { zh: '展览路街道', en: 'Zhanlanlu Street' } },
} as const;

export const CENTER = {
  id: 'cn-bj-xicheng-zhanlanlu-center',
  name: { zh: '展览路街道社会工作服务中心', en: 'Zhanlanlu Street Social-Work Service Center' },
};

export interface SeedCommunity {
  id: string;
  name: Localized;
  isPlaceholder: boolean;
  hasStation: boolean;
}

const named: SeedCommunity[] = [
  { id: 'cn-bj-xicheng-zhanlanlu-wanmingyuan', name: { zh: '万明园社区', en: 'Wanmingyuan' }, isPlaceholder: false, hasStation: true },
  { id: 'cn-bj-xicheng-zhanlanlu-yushuguan', name: { zh: '榆树馆社区', en: 'Yushuguan' }, isPlaceholder: false, hasStation: true },
  { id: 'cn-bj-xicheng-zhanlanlu-hongmaogou', name: { zh: '洪茂沟社区', en: 'Hongmaogou' }, isPlaceholder: false, hasStation: true },
  { id: 'cn-bj-xicheng-zhanlanlu-fuwaixi', name: { zh: '阜外西社区', en: 'Fuwaixi' }, isPlaceholder: false, hasStation: true },
];

// Placeholders 05–23: the first seven have operating stations (11 in all with the named four).
const placeholders: SeedCommunity[] = Array.from({ length: 19 }, (_, index) => {
  const number = String(index + 5).padStart(2, '0');
  return {
    id: `cn-bj-xicheng-zhanlanlu-placeholder-${number}`,
    name: { zh: `待补充社区${number}（占位）`, en: `Community ${number} (placeholder)` },
    isPlaceholder: true,
    hasStation: index < 7,
  };
});

export const COMMUNITIES: SeedCommunity[] = [...named, ...placeholders];

/** Where a default fact comes from: the source report, our back-translation of it, or our assumption. */
export type Provenance = 'source' | 'back-translated' | 'assumed' | 'illustrative';

export interface SeedProject {
  id: string;
  communityId: string;
  theme: ThemeKey;
  title: Localized;
  /**
   * Residents served, spread as service records over 2021 – May 2023 (seedServiceRecords). The
   * report gives 1,100 across the special projects, not the split: the split is illustrative.
   */
  residentsServed: number;
  /** Which facts of the project are the source's and which are ours (docs/default-data.md). */
  provenance: { title: Provenance; theme: Provenance; station: Provenance; residentsServed: Provenance };
}

// Titles are the source's, back-translated into Chinese from the report's Japanese edition. The
// themes of 红帽帮帮 and 阜外西's project are not stated by the source: assumed. The Bench Council
// (ベンチカウンシル in the Japanese edition) is the source's third named special project; its
// Chinese name is our back-translation, and the source names no station for it, so it sits with
// the first placeholder community until the street says where it runs.
export const PROJECTS: SeedProject[] = [
  {
    id: 'vp-zhanlanlu-wanmingyuan-loudao', communityId: 'cn-bj-xicheng-zhanlanlu-wanmingyuan', theme: 'community_governance',
    title: { zh: '我的楼道我的家', en: 'My stairwell, my home' }, residentsServed: 320,
    provenance: { title: 'back-translated', theme: 'source', station: 'source', residentsServed: 'illustrative' },
  },
  {
    id: 'vp-zhanlanlu-yushuguan-changqing', communityId: 'cn-bj-xicheng-zhanlanlu-yushuguan', theme: 'elderly',
    title: { zh: '榆树常青', en: 'Evergreen elms' }, residentsServed: 300,
    provenance: { title: 'back-translated', theme: 'source', station: 'source', residentsServed: 'illustrative' },
  },
  {
    id: 'vp-zhanlanlu-hongmaogou-bangbang', communityId: 'cn-bj-xicheng-zhanlanlu-hongmaogou', theme: 'disabled',
    title: { zh: '红帽帮帮', en: 'Red Caps help out' }, residentsServed: 260,
    provenance: { title: 'back-translated', theme: 'assumed', station: 'source', residentsServed: 'illustrative' },
  },
  {
    id: 'vp-zhanlanlu-fuwaixi-hongse', communityId: 'cn-bj-xicheng-zhanlanlu-fuwaixi', theme: 'youth',
    title: { zh: '红色传承与传统文化', en: 'Red heritage and traditional culture' }, residentsServed: 220,
    provenance: { title: 'back-translated', theme: 'assumed', station: 'source', residentsServed: 'illustrative' },
  },
  {
    id: 'vp-zhanlanlu-bench-council', communityId: 'cn-bj-xicheng-zhanlanlu-placeholder-05', theme: 'community_governance',
    title: { zh: '板凳议事会', en: 'Bench Council' }, residentsServed: 0,
    provenance: { title: 'back-translated', theme: 'assumed', station: 'assumed', residentsServed: 'illustrative' },
  },
];

export interface SeedServiceRecord {
  id: string;
  projectId: string;
  communityId: string;
  theme: ThemeKey;
  kind: 'casework' | 'group' | 'community';
  servedOn: string;
  title: Localized;
  residentsServed: number;
  newResidents: number;
}

/** The quarters' middle months the default records fall in: February 2021 to May 2023, the period the source describes. */
const SEED_SERVICE_DATES = ['2021-02-20', '2021-05-20', '2021-08-20', '2021-11-20', '2022-02-20', '2022-05-20', '2022-08-20', '2022-11-20', '2023-02-20', '2023-05-20'];
const SEED_KINDS: Array<SeedServiceRecord['kind']> = ['community', 'group', 'community', 'casework', 'group'];
const KIND_TITLES: Record<SeedServiceRecord['kind'], Localized> = {
  casework: { zh: '个案服务', en: 'casework' },
  group: { zh: '小组活动', en: 'group work' },
  community: { zh: '社区活动', en: 'community activity' },
};

/**
 * Each project's residents served as ten service records, one per quarter from February 2021 to
 * May 2023, kinds rotating (community, group, community, casework, group): an illustrative spread
 * of the source's 1,100, so reports by period show the years the work happened, not the day the
 * data was loaded. Casework serves one resident; the rest share the project's total evenly.
 */
export function seedServiceRecords(): SeedServiceRecord[] {
  const records: SeedServiceRecord[] = [];
  for (const project of PROJECTS.filter((p) => p.residentsServed > 0)) {
    const kinds = SEED_SERVICE_DATES.map((_, index) => SEED_KINDS[index % SEED_KINDS.length]!);
    const casework = kinds.filter((kind) => kind === 'casework').length;
    const shared = kinds.length - casework;
    const rest = project.residentsServed - casework;
    let given = 0;
    let sharedSeen = 0;
    SEED_SERVICE_DATES.forEach((servedOn, index) => {
      const kind = kinds[index]!;
      let served = 1;
      if (kind !== 'casework') {
        sharedSeen += 1;
        served = sharedSeen === shared ? rest - given : Math.floor(rest / shared);
        given += served;
      }
      records.push({
        id: `sr-seed-${project.id}-${servedOn.slice(0, 7)}`,
        projectId: project.id, communityId: project.communityId, theme: project.theme, kind, servedOn,
        title: { zh: `${project.title.zh}·${KIND_TITLES[kind].zh}`, en: `${project.title.en}: ${KIND_TITLES[kind].en}` },
        residentsServed: served,
        // The first record of a project meets everyone for the first time; later ones about a fifth.
        newResidents: index === 0 ? served : Math.floor(served / 5),
      });
    });
  }
  return records;
}

export interface SeedWorker {
  id: string;
  name: string;
  position: 'social_worker' | 'station_lead' | 'center_supervisor' | 'leadership';
  communityId: string | null;
}

/** One station lead and two social workers per operating station, a center supervisor and a leader. */
export function seedWorkers(): SeedWorker[] {
  const workers: SeedWorker[] = [
    { id: 'w-zhanlanlu-supervisor-01', name: '中心督导（示例）', position: 'center_supervisor', communityId: null },
    { id: 'w-zhanlanlu-leader-01', name: '街道领导（示例）', position: 'leadership', communityId: null },
  ];
  for (const community of COMMUNITIES.filter((c) => c.hasStation)) {
    const short = community.id.replace('cn-bj-xicheng-zhanlanlu-', '');
    workers.push({ id: `w-${short}-lead`, name: `${community.name.zh}站长（示例）`, position: 'station_lead', communityId: community.id });
    for (const n of [1, 2]) {
      workers.push({ id: `w-${short}-sw${n}`, name: `${community.name.zh}社工${n}（示例）`, position: 'social_worker', communityId: community.id });
    }
  }
  return workers;
}

/** The default post types (configurable: a street adds its own through POST /api/post-types). */
export const POST_TYPES: Array<{ key: string; name: Localized }> = [
  { key: 'station_lead', name: { zh: '站长', en: 'Station lead' } },
  { key: 'full_time_social_worker', name: { zh: '专职社工', en: 'Full-time social worker' } },
  { key: 'part_time_social_worker', name: { zh: '兼职社工', en: 'Part-time social worker' } },
];

/**
 * Example posts of each operating station (marked `is_example`; the source gives no post numbers):
 * one station lead and two full-time social workers, filled by the example workers from the day
 * the data is loaded.
 */
export function seedPosts(): Array<{ id: string; communityId: string; type: string; required: number; assignees: string[] }> {
  return COMMUNITIES.filter((c) => c.hasStation).flatMap((community) => {
    const short = community.id.replace('cn-bj-xicheng-zhanlanlu-', '');
    return [
      { id: `post-${short}-lead`, communityId: community.id, type: 'station_lead', required: 1, assignees: [`w-${short}-lead`] },
      { id: `post-${short}-full-time`, communityId: community.id, type: 'full_time_social_worker', required: 2, assignees: [`w-${short}-sw1`, `w-${short}-sw2`] },
    ];
  });
}

/**
 * Five-party linkage examples (the source names no social organisation, volunteer or donor): two
 * organisations, one volunteer per named station with a few hours logged to an activity, and three
 * resources, dated shortly before the day the data is loaded so the linkage index shows them. Every
 * row is flagged `is_example`, every name says 示例, and no volunteer has a phone.
 */
export function seedFiveParty(today: string, addDays: (date: string, days: number) => string) {
  const street = ORG.street.id;
  const [wanmingyuan, yushuguan, hongmaogou, fuwaixi] = named.map((c) => c.id) as [string, string, string, string];
  const organisations = [
    {
      id: 'org-example-zhanlanlu-elderly', orgUnitId: street, name: { zh: '为老服务社（示例）', en: 'Elderly service agency (example)' },
      kind: 'social_service_agency' as const, services: ['上门探访', '助餐'], themes: ['elderly'], stationIds: [wanmingyuan, yushuguan],
    },
    {
      id: 'org-example-hongmaogou-neighbours', orgUnitId: hongmaogou, name: { zh: '邻里互助会（示例）', en: 'Neighbours mutual-aid group (example)' },
      kind: 'community_based' as const, services: ['邻里互助'], themes: ['disabled'], stationIds: [hongmaogou],
    },
  ];
  const volunteers = named.map((community) => {
    const short = community.id.replace('cn-bj-xicheng-zhanlanlu-', '');
    return { id: `vol-example-${short}-1`, communityId: community.id, name: `${community.name.zh}志愿者1（示例）`, skills: ['助老'] };
  });
  const hours = volunteers.map((volunteer, index) => ({
    id: `${volunteer.id}-hours-1`, volunteerId: volunteer.id, communityId: volunteer.communityId, activity: '示例活动（示例）',
    servedOn: addDays(today, -7 * (index + 1)), hours: 2,
  }));
  const resources = [
    {
      id: 'res-example-zhanlanlu-fund', orgUnitId: street, projectId: null, organisationId: null, donor: '慈善基金（示例）', kind: 'money' as const,
      amount: 10000, unit: '元', restrictions: '示例：仅用于公益创投项目', receivedOn: addDays(today, -30),
    },
    {
      id: 'res-example-yushuguan-visits', orgUnitId: yushuguan, projectId: 'vp-zhanlanlu-yushuguan-changqing', organisationId: 'org-example-zhanlanlu-elderly',
      donor: '为老服务社（示例）', kind: 'service' as const, amount: 20, unit: '次', restrictions: null, receivedOn: addDays(today, -20),
    },
    {
      id: 'res-example-fuwaixi-venue', orgUnitId: fuwaixi, projectId: null, organisationId: null, donor: '辖区单位（示例）', kind: 'venue' as const,
      amount: 1, unit: '间', restrictions: '示例：周末使用', receivedOn: addDays(today, -10),
    },
  ];
  return { organisations, volunteers, hours, resources };
}
