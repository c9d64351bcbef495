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

export interface SeedProject {
  id: string;
  communityId: string;
  theme: ThemeKey;
  title: Localized;
  /** Residents served; the report gives 1,100 across the four, not the split (see docs/default-data.md). */
  residentsServed: number;
}

export const PROJECTS: SeedProject[] = [
  { id: 'vp-zhanlanlu-wanmingyuan-loudao', communityId: 'cn-bj-xicheng-zhanlanlu-wanmingyuan', theme: 'community_governance', title: { zh: '我的楼道我的家', en: 'My stairwell, my home' }, residentsServed: 320 },
  { id: 'vp-zhanlanlu-yushuguan-changqing', communityId: 'cn-bj-xicheng-zhanlanlu-yushuguan', theme: 'elderly', title: { zh: '榆树常青', en: 'Evergreen elms' }, residentsServed: 300 },
  { id: 'vp-zhanlanlu-hongmaogou-bangbang', communityId: 'cn-bj-xicheng-zhanlanlu-hongmaogou', theme: 'disabled', title: { zh: '红帽帮帮', en: 'Red Caps help out' }, residentsServed: 260 },
  { id: 'vp-zhanlanlu-fuwaixi-hongse', communityId: 'cn-bj-xicheng-zhanlanlu-fuwaixi', theme: 'youth', title: { zh: '红色传承与传统文化', en: 'Red heritage and traditional culture' }, residentsServed: 220 },
];

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
