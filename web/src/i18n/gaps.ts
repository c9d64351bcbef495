// Strings of the screens that closed the dashboard's route gaps (issue 13): one's own worker record
// on the account page, the weekly digest button, one case on its own, and the stations' plan list.
// Merged into the catalogs of web/src/i18n.tsx; keys are English phrases in snake case.

export const gapsZh = {
  my_worker_record: '我的社工档案',
  my_role: '角色',
  my_scope: '管辖范围',
  my_worker_name: '姓名',
  my_worker_position: '岗位',
  my_worker_community: '所在社区',
  my_worker_no_community: '不属于某个社区（街道或中心岗位）',
  my_worker_ladder: '查看我的成长档案',
  calendar_feed_needs_worker: '日历订阅只提供给关联了社工档案的账户（见上方“我的社工档案”）。',
  position_social_worker: '社工',
  position_station_lead: '站长',
  position_center_supervisor: '中心督导',
  position_leadership: '街道领导',
  position_trainer: '培训师',
  position_admin: '管理员',
};

export const gapsEn: Record<keyof typeof gapsZh, string> = {
  my_worker_record: 'My worker record',
  my_role: 'Role',
  my_scope: 'Scope',
  my_worker_name: 'Name',
  my_worker_position: 'Position',
  my_worker_community: 'Community',
  my_worker_no_community: 'None (a street or center position)',
  my_worker_ladder: 'See my growth record',
  calendar_feed_needs_worker: 'The calendar feed is only for accounts linked to a worker (see "My worker record" above).',
  position_social_worker: 'Social worker',
  position_station_lead: 'Station lead',
  position_center_supervisor: 'Center supervisor',
  position_leadership: 'Street leadership',
  position_trainer: 'Trainer',
  position_admin: 'Admin',
};
