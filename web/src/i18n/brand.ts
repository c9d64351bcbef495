// Strings of a station's brand (一站一品牌一特色) on the station page and the community page.
// Merged into the catalogs of web/src/i18n.tsx; keys are English phrases in snake case.

export const brandZh = {
  brand: '站点品牌',
  brand_intro: '一站一品牌一特色：本站的品牌名称、特色，以及体现品牌的公益创投项目。',
  brand_none: '本站还没有登记品牌。',
  brand_name: '品牌名称',
  brand_feature: '特色',
  brand_projects: '品牌项目',
  brand_no_projects: '未关联公益创投项目',
  brand_updated: '{at} 由 {by} 更新',
  brand_updated_at: '{at} 更新',
  brand_record: '登记品牌',
  brand_edit: '修改品牌',
  brand_name_zh: '品牌名称（中文，最多 60 字）',
  brand_name_en: '品牌名称（英文，可空）',
  brand_feature_zh: '特色（中文，最多 500 字）',
  brand_feature_en: '特色（英文，可空）',
  brand_projects_choose: '体现品牌的公益创投项目（本社区的项目）',
  brand_projects_none_to_choose: '本社区还没有公益创投项目。',
  brand_saved: '品牌已保存',
};

export const brandEn: Record<keyof typeof brandZh, string> = {
  brand: 'Station brand',
  brand_intro: 'One station, one brand, one feature: the brand name, what the station is known for, and the venture projects that carry it.',
  brand_none: 'This station has no brand recorded yet.',
  brand_name: 'Brand name',
  brand_feature: 'Feature',
  brand_projects: 'Brand projects',
  brand_no_projects: 'No venture projects linked',
  brand_updated: 'Updated {at} by {by}',
  brand_updated_at: 'Updated {at}',
  brand_record: 'Record the brand',
  brand_edit: 'Edit the brand',
  brand_name_zh: 'Brand name (Chinese, up to 60 characters)',
  brand_name_en: 'Brand name (English, optional)',
  brand_feature_zh: 'Feature (Chinese, up to 500 characters)',
  brand_feature_en: 'Feature (English, optional)',
  brand_projects_choose: "Venture projects that carry the brand (this community's projects)",
  brand_projects_none_to_choose: 'This community has no venture projects yet.',
  brand_saved: 'Brand saved',
};
