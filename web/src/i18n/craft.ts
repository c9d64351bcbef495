// Strings for the dashboard's shared parts: errors, confirmations, navigation and training.
// Merged into the catalogs in web/src/i18n.tsx.

export const craftZh = {
  error_http: '服务器返回了意外的答复（HTTP {status}），请稍后再试。',
  confirm: '确认',
  cancel_action: '不，返回',
  confirm_reason: '原因（会告知相关人员）',
  confirm_reason_required: '请填写原因。',
  menu: '菜单',
  role_and_status: '角色与状态',
  average_score: '平均分',
  close_menu: '关闭菜单',
  engine_console: '在流程引擎控制台中查看',
  engine_console_note: '仅管理员可见；控制台时间为 UTC。',
};

export const craftEn: Record<keyof typeof craftZh, string> = {
  error_http: 'The server gave an unexpected answer (HTTP {status}); please try again shortly.',
  confirm: 'Confirm',
  cancel_action: 'No, go back',
  confirm_reason: 'Reason (the people affected are told)',
  confirm_reason_required: 'Please give a reason.',
  menu: 'Menu',
  role_and_status: 'Role and status',
  average_score: 'Average',
  close_menu: 'Close menu',
  engine_console: 'Open in the engine console',
  engine_console_note: 'Admins only; the console shows UTC.',
};
