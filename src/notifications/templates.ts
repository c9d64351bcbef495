import { DEFAULT_DIMENSIONS, DEFAULT_THEMES } from '../domain/catalog.js';
import type { NotificationData, NotificationKind } from '../domain/notifications.js';
import { formatShanghai } from '../domain/time.js';
import type { Locale } from '../domain/types.js';

// Notification templates: plain data, one per kind and locale, rendered by substituting values.
// A value is text, never template code: `{name}` placeholders are replaced in one pass, so a value
// that itself contains `{…}` or HTML stays literal text (HTML-escaped in the HTML body).
//
// Placeholder lookup for `{title}` with locale zh-CN: data.titleZh, then data.title (en: titleEn,
// then title). Keys ending in `At` holding an ISO instant or epoch ms print as Asia/Shanghai
// `YYYY-MM-DD HH:MM`. `stage`, `milestone`, `mainTask`, `dimension` and `theme` values that are vocabulary
// keys print in the recipient's language. `recipientName` is filled from the workers table.

/** A line of a template; `optional` lines are left out when one of their placeholders has no value. */
export interface TemplateLine {
  text: string;
  optional?: boolean;
}

export interface Template {
  subject: string;
  lines: TemplateLine[];
}

export interface RenderedNotification {
  subject: string;
  text: string;
  html: string;
}

export const DEFAULT_LOCALE: Locale = 'zh-CN';

const l = (text: string): TemplateLine => ({ text });
const opt = (text: string): TemplateLine => ({ text, optional: true });

export const TEMPLATES: Record<NotificationKind, Record<Locale, Template>> = {
  session_reminder: {
    'zh-CN': {
      subject: '培训提醒：{dimension}第{level}级，{startsAt}',
      lines: [
        l('{recipientName}，您好：'),
        l('您参加的培训即将开始。'),
        opt('课程：{sessionTitle}'),
        l('维度：{dimension}（第{level}级）'),
        l('时间：{startsAt} 至 {endsAt}（北京时间）'),
        l('地点：{place}'),
        opt('讲师：{trainer}'),
        opt('备注：{note}'),
      ],
    },
    en: {
      subject: 'Training reminder: {dimension} level {level}, {startsAt}',
      lines: [
        l('Dear {recipientName},'),
        l('Your training session starts soon.'),
        opt('Session: {sessionTitle}'),
        l('Dimension: {dimension} (level {level})'),
        l('Time: {startsAt} to {endsAt} (Beijing time)'),
        l('Place: {place}'),
        opt('Trainer: {trainer}'),
        opt('Note: {note}'),
      ],
    },
  },
  task_due: {
    'zh-CN': {
      subject: '任务即将到期：{taskTitle}',
      lines: [
        l('{recipientName}，您好：'),
        l('{communityName}社工站“{stage}”阶段的任务“{taskTitle}”将于 {dueAt}（北京时间）到期。'),
        opt('工作手册指引：{guidance}'),
        l('请按时完成，并提交佐证材料。'),
      ],
    },
    en: {
      subject: 'Task due soon: {taskTitle}',
      lines: [
        l('Dear {recipientName},'),
        l('The task "{taskTitle}" of the {stage} stage at {communityName} station is due at {dueAt} (Beijing time).'),
        opt('From the work manual: {guidance}'),
        l('Please complete it on time and submit the evidence.'),
      ],
    },
  },
  task_overdue: {
    'zh-CN': {
      subject: '任务已逾期：{taskTitle}',
      lines: [
        l('{recipientName}，您好：'),
        l('{communityName}社工站“{stage}”阶段的任务“{taskTitle}”已于 {dueAt}（北京时间）到期，尚未完成。'),
        opt('已逾期 {daysOverdue} 天。'),
        l('请尽快完成并提交佐证材料。'),
      ],
    },
    en: {
      subject: 'Task overdue: {taskTitle}',
      lines: [
        l('Dear {recipientName},'),
        l('The task "{taskTitle}" of the {stage} stage at {communityName} station was due at {dueAt} (Beijing time) and is not done yet.'),
        opt('It is {daysOverdue} day(s) overdue.'),
        l('Please complete it and submit the evidence as soon as possible.'),
      ],
    },
  },
  escalation: {
    'zh-CN': {
      subject: '督办：{itemTitle}（{communityName}）',
      lines: [
        l('{recipientName}，您好：'),
        l('以下事项已逾期仍未完成，提请您督办：'),
        l('事项：{itemTitle}'),
        opt('负责人：{assigneeName}'),
        l('原定期限：{dueAt}（北京时间）'),
        opt('第 {round} 次督办提醒。'),
      ],
    },
    en: {
      subject: 'Escalation: {itemTitle} ({communityName})',
      lines: [
        l('Dear {recipientName},'),
        l('The following item is overdue and not done; please follow it up:'),
        l('Item: {itemTitle}'),
        opt('Responsible: {assigneeName}'),
        l('Was due: {dueAt} (Beijing time)'),
        opt('Escalation round {round}.'),
      ],
    },
  },
  stage_signed_off: {
    'zh-CN': {
      subject: '{communityName}社工站“{stage}”阶段已签字确认',
      lines: [
        l('{recipientName}，您好：'),
        l('{communityName}社工站行动计划的“{stage}”阶段已由 {signedOffBy} 签字确认。'),
        opt('确认时间：{signedOffAt}（北京时间）'),
        opt('意见：{comments}'),
      ],
    },
    en: {
      subject: '{communityName} station: {stage} stage signed off',
      lines: [
        l('Dear {recipientName},'),
        l('The {stage} stage of the {communityName} station plan was signed off by {signedOffBy}.'),
        opt('Signed off at: {signedOffAt} (Beijing time)'),
        opt('Comments: {comments}'),
      ],
    },
  },
  sign_off_requested: {
    'zh-CN': {
      subject: '待签字：{communityName}社工站“{stage}”阶段',
      lines: [
        l('{recipientName}，您好：'),
        l('{communityName}社工站“{stage}”阶段的必做任务已全部完成，请审核并签字确认。'),
        opt('说明：{note}'),
      ],
    },
    en: {
      subject: 'Sign-off requested: {communityName} station, {stage} stage',
      lines: [
        l('Dear {recipientName},'),
        l('Every required task of the {stage} stage at {communityName} station is done; please review it and sign it off.'),
        opt('Note: {note}'),
      ],
    },
  },
  promotion: {
    'zh-CN': {
      subject: '晋级通知：{dimension}第{level}级',
      lines: [
        l('{recipientName}，您好：'),
        l('祝贺 {workerName} 通过“{dimension}”第{level}级考核，晋级成功。'),
        opt('成绩：{score}'),
      ],
    },
    en: {
      subject: 'Promotion: {dimension} level {level}',
      lines: [
        l('Dear {recipientName},'),
        l('Congratulations: {workerName} passed the "{dimension}" level {level} assessment and is promoted.'),
        opt('Score: {score}'),
      ],
    },
  },
  coaching_flag: {
    'zh-CN': {
      subject: '辅导提示：{workerName}（{dimension}）',
      lines: [
        l('{recipientName}，您好：'),
        l('{workerName} 未通过“{dimension}”第{level}级考核（含补考），建议安排一对一辅导。'),
        opt('原因：{reason}'),
      ],
    },
    en: {
      subject: 'Coaching suggested: {workerName} ({dimension})',
      lines: [
        l('Dear {recipientName},'),
        l('{workerName} did not pass the "{dimension}" level {level} assessment (retake included); coaching is suggested.'),
        opt('Reason: {reason}'),
      ],
    },
  },
  milestone_due: {
    'zh-CN': {
      subject: '建站节点即将到期：{communityName}（{milestone}）',
      lines: [
        l('{recipientName}，您好：'),
        l('{communityName}社工站建设的“{milestone}”节点目标日期为 {targetDate}。'),
        l('请按计划推进。'),
      ],
    },
    en: {
      subject: 'Rollout milestone due: {communityName} ({milestone})',
      lines: [
        l('Dear {recipientName},'),
        l('The "{milestone}" milestone of the {communityName} station rollout is due on {targetDate}.'),
        l('Please keep it on plan.'),
      ],
    },
  },
  milestone_slipping: {
    'zh-CN': {
      subject: '建站节点延误：{communityName}（{milestone}）',
      lines: [
        l('{recipientName}，您好：'),
        l('{communityName}社工站建设的“{milestone}”节点原定 {targetDate} 完成，目前尚未完成。'),
        opt('已延误 {daysLate} 天。'),
      ],
    },
    en: {
      subject: 'Rollout milestone slipping: {communityName} ({milestone})',
      lines: [
        l('Dear {recipientName},'),
        l('The "{milestone}" milestone of the {communityName} station rollout was due on {targetDate} and is not done.'),
        opt('It is {daysLate} day(s) late.'),
      ],
    },
  },
  digest: {
    'zh-CN': {
      subject: '社会工作周报（{weekOf}）',
      lines: [
        l('{recipientName}，您好：'),
        l('社区覆盖：已运营社工站 {operating} 个，共 {total} 个社区。'),
        opt('覆盖变化：{coverageChange}'),
        opt('延误的建站节点：{slippingMilestones}'),
        opt('行动计划：{plansByStage}'),
        opt('待签字的计划阶段：{stagesAwaiting} 个'),
        opt('逾期任务：{overdueTasks} 项'),
        opt('培训完成率：{trainingCompletion}'),
        opt('专项服务居民：{residentsServed} 人'),
        opt('{calendarNote}'),
      ],
    },
    en: {
      subject: 'Social work weekly digest ({weekOf})',
      lines: [
        l('Dear {recipientName},'),
        l('Coverage: {operating} stations operating out of {total} communities.'),
        opt('Change: {coverageChange}'),
        opt('Slipping milestones: {slippingMilestones}'),
        opt('Station plans: {plansByStage}'),
        opt('Plan stages awaiting sign-off: {stagesAwaiting}'),
        opt('Overdue tasks: {overdueTasks}'),
        opt('Training completion: {trainingCompletion}'),
        opt('Residents served by the projects: {residentsServed}'),
        opt('{calendarNote}'),
      ],
    },
  },
  cycle_cancelled: {
    'zh-CN': {
      subject: '培训已取消：{cycleName}',
      lines: [
        l('{recipientName}，您好：'),
        l('培训周期“{cycleName}”已取消，后续课程不再举行。'),
        opt('原因：{reason}'),
      ],
    },
    en: {
      subject: 'Training cancelled: {cycleName}',
      lines: [
        l('Dear {recipientName},'),
        l('The training cycle "{cycleName}" is cancelled; its remaining sessions will not take place.'),
        opt('Reason: {reason}'),
      ],
    },
  },
  session_changed: {
    'zh-CN': {
      subject: '培训变更：{dimension}第{level}级',
      lines: [
        l('{recipientName}，您好：'),
        l('您参加的培训有变更。'),
        l('时间：{startsAt} 至 {endsAt}（北京时间）'),
        l('地点：{place}'),
        opt('变更：{change}'),
        opt('原因：{reason}'),
      ],
    },
    en: {
      subject: 'Training changed: {dimension} level {level}',
      lines: [
        l('Dear {recipientName},'),
        l('Your training session has changed.'),
        l('Time: {startsAt} to {endsAt} (Beijing time)'),
        l('Place: {place}'),
        opt('What changed: {change}'),
        opt('Reason: {reason}'),
      ],
    },
  },
  case_call_reminder: {
    'zh-CN': {
      subject: '案例征集即将截止：{callTitle}',
      lines: [
        l('{recipientName}，您好：'),
        l('“{callTitle}”优秀案例征集将于 {deadlineAt}（北京时间）截止，贵站尚未提交案例。'),
        l('草稿可在截止前随时修改并提交。'),
      ],
    },
    en: {
      subject: 'Case call closing soon: {callTitle}',
      lines: [
        l('Dear {recipientName},'),
        l('The case call "{callTitle}" closes at {deadlineAt} (Beijing time); your station has not submitted a case yet.'),
        l('Drafts can be edited and submitted until the deadline.'),
      ],
    },
  },
  case_review_reminder: {
    'zh-CN': {
      subject: '案例评审提醒：{callTitle}',
      lines: [
        l('{recipientName}，您好：'),
        l('“{callTitle}”的评审将于 {deadlineAt}（北京时间）截止，您还有 {casesLeft} 个案例未评分。'),
      ],
    },
    en: {
      subject: 'Case review reminder: {callTitle}',
      lines: [
        l('Dear {recipientName},'),
        l('The review of "{callTitle}" closes at {deadlineAt} (Beijing time); you have {casesLeft} case(s) left to score.'),
      ],
    },
  },
  case_call_escalation: {
    'zh-CN': {
      subject: '案例征集截止提醒：{callTitle}',
      lines: [
        l('{recipientName}，您好：'),
        l('“{callTitle}”的{phaseName}已于 {deadlineAt}（北京时间）截止。'),
        l('尚未完成：{outstanding}'),
      ],
    },
    en: {
      subject: 'Case call deadline passed: {callTitle}',
      lines: [
        l('Dear {recipientName},'),
        l('The {phaseName} of "{callTitle}" closed at {deadlineAt} (Beijing time).'),
        l('Not done: {outstanding}'),
      ],
    },
  },
  resource_request_reminder: {
    'zh-CN': {
      subject: '资源链接提醒：{theme}需求 {requestId}',
      lines: [
        l('{recipientName}，您好：'),
        l('服务站的{theme}资源需求（数量 {quantity}）将于 {deadlineAt}（北京时间）到期，请{action}。'),
      ],
    },
    en: {
      subject: 'Resource request reminder: {theme} need {requestId}',
      lines: [
        l('Dear {recipientName},'),
        l("A station's {theme} resource request (quantity {quantity}) is due at {deadlineAt} (Beijing time); please {action}."),
      ],
    },
  },
  resource_request_escalation: {
    'zh-CN': {
      subject: '资源链接逾期：{theme}需求 {requestId}',
      lines: [
        l('{recipientName}，您好：'),
        l('服务站的{theme}资源需求（数量 {quantity}）已过{dateName} {deadlineAt}（北京时间）。'),
        l('尚未完成：{outstanding}'),
      ],
    },
    en: {
      subject: 'Resource request overdue: {theme} need {requestId}',
      lines: [
        l('Dear {recipientName},'),
        l("A station's {theme} resource request (quantity {quantity}) passed its {dateName} {deadlineAt} (Beijing time)."),
        l('Not done: {outstanding}'),
      ],
    },
  },
};

const SIGNATURE: Record<Locale, string> = {
  'zh-CN': '—— 社工站工作平台（此为系统消息）',
  en: '— Shegong social-work platform (automated message)',
};

const VOCABULARY: Record<string, Record<string, Record<Locale, string>>> = {
  stage: {
    guide: { 'zh-CN': '指导', en: 'guide' },
    support: { 'zh-CN': '支持', en: 'support' },
    supervise: { 'zh-CN': '督导', en: 'supervise' },
  },
  milestone: {
    site: { 'zh-CN': '选址', en: 'site' },
    staffing: { 'zh-CN': '人员配备', en: 'staffing' },
    fit_out: { 'zh-CN': '装修布置', en: 'fit-out' },
    opening: { 'zh-CN': '开站运营', en: 'opening' },
  },
  change: {
    cancelled: { 'zh-CN': '本次课程已取消，不再举行', en: 'this session is cancelled and will not take place' },
    moved: { 'zh-CN': '时间或地点已调整', en: 'the time or place has changed' },
    restored: { 'zh-CN': '此前取消的课程已恢复，照常举行', en: 'the session cancelled earlier is restored and takes place as planned' },
  },
  mainTask: {
    post_building: { 'zh-CN': '岗位建设', en: 'post building' },
    talent_training: { 'zh-CN': '人才培养', en: 'talent training' },
    resource_linkage: { 'zh-CN': '资源链接', en: 'resource linkage' },
    professional_services: { 'zh-CN': '专业服务', en: 'professional services' },
  },
  theme: Object.fromEntries(DEFAULT_THEMES.map((theme) => [theme.key, { 'zh-CN': theme.name.zh, en: theme.name.en }])),
  dimension: Object.fromEntries(DEFAULT_DIMENSIONS.map((d) => [d.key, { 'zh-CN': d.name.zh, en: d.name.en }])),
};

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const PLACEHOLDER = /\{(\w+)\}/g;

/** The supported locale nearest to what a recipient has; zh-CN unless they chose en. */
export function pickLocale(locale: string | null | undefined): Locale {
  return locale === 'en' || locale?.startsWith('en-') ? 'en' : DEFAULT_LOCALE;
}

/** One placeholder's printed value, or undefined when the data has none. */
function lookup(name: string, data: NotificationData, locale: Locale): string | undefined {
  const localized = data[`${name}${locale === 'en' ? 'En' : 'Zh'}`];
  const value = localized !== undefined && localized !== null && localized !== '' ? localized : data[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return locale === 'en' ? (value ? 'yes' : 'no') : (value ? '是' : '否');
  if (name.endsWith('At')) {
    if (typeof value === 'number' && Number.isFinite(value)) return formatShanghai(value);
    if (typeof value === 'string' && ISO_INSTANT.test(value)) {
      const ms = Date.parse(value);
      if (!Number.isNaN(ms)) return formatShanghai(ms);
    }
  }
  const text = String(value);
  return VOCABULARY[name]?.[text]?.[locale] ?? text;
}

const MISSING = '—';

/** Fills a template text; `complete` is false when a placeholder had no value (printed as "—"). */
function fill(text: string, data: NotificationData, locale: Locale, escape: (value: string) => string): { text: string; complete: boolean } {
  let complete = true;
  const filled = text.replace(PLACEHOLDER, (_match, name: string) => {
    const value = lookup(name, data, locale);
    if (value === undefined) complete = false;
    return escape(value ?? MISSING);
  });
  return { text: filled, complete };
}

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const asIs = (value: string) => value;

/** Subject, plain text and HTML for a kind in a locale. Values are substituted, never evaluated. */
export function renderNotification(kind: NotificationKind, locale: Locale, data: NotificationData): RenderedNotification {
  const template = TEMPLATES[kind][locale];
  // Subjects are one line: a value's line breaks would fold the header.
  const subject = fill(template.subject, data, locale, asIs).text.replace(/\s*[\r\n]+\s*/g, ' ');
  const textLines: string[] = [];
  const htmlLines: string[] = [];
  for (const line of template.lines) {
    const text = fill(line.text, data, locale, asIs);
    if (!text.complete && line.optional) continue;
    textLines.push(text.text);
    htmlLines.push(`<p>${fill(line.text, data, locale, escapeHtml).text.replace(/\r?\n/g, '<br>')}</p>`);
  }
  const signature = SIGNATURE[locale];
  const text = [...textLines, '', signature].join('\n');
  const html = [
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.6">',
    ...htmlLines,
    `<p style="color: #666; font-size: 0.9em">${escapeHtml(signature)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
