import type { Localized, ThemeKey } from './types.js';

// The default six-dimension catalog (DESIGN.md). It is data: the seed loads it into the records
// store, and a street can change it there; code reads the store, not this list.
export interface DimensionDefinition {
  key: string;
  name: Localized;
  levels: Array<{ level: number; name: Localized }>;
}

const DEFAULT_LEVELS = [
  { level: 1, name: { zh: '基础', en: 'Foundation' } },
  { level: 2, name: { zh: '进阶', en: 'Advanced' } },
  { level: 3, name: { zh: '骨干', en: 'Lead' } },
];

export const DEFAULT_DIMENSIONS: DimensionDefinition[] = [
  { key: 'party_policy', name: { zh: '党建引领与政策', en: 'Party-building leadership and policy' }, levels: DEFAULT_LEVELS },
  { key: 'professional_methods', name: { zh: '个案·小组·社区工作方法', en: 'Casework, group work and community work methods' }, levels: DEFAULT_LEVELS },
  { key: 'project_management', name: { zh: '项目策划与管理', en: 'Service project planning and management' }, levels: DEFAULT_LEVELS },
  { key: 'resident_mobilization', name: { zh: '居民动员与社区治理', en: 'Resident mobilisation for community governance' }, levels: DEFAULT_LEVELS },
  { key: 'resource_linkage', name: { zh: '资源链接与五社联动', en: 'Resource linkage and five-party linkage' }, levels: DEFAULT_LEVELS },
  { key: 'community_culture', name: { zh: '社区特色文化与品牌', en: 'Community culture and brand building' }, levels: DEFAULT_LEVELS },
];

export const DEFAULT_THEMES: Array<{ key: ThemeKey; name: Localized }> = [
  { key: 'elderly', name: { zh: '为老服务', en: 'Elderly' } },
  { key: 'youth', name: { zh: '青少年服务', en: 'Youth' } },
  { key: 'community_governance', name: { zh: '社区治理', en: 'Community governance' } },
  { key: 'disabled', name: { zh: '助残服务', en: 'Disabled' } },
  { key: 'poverty_relief', name: { zh: '社会救助', en: 'Poverty relief' } },
];
