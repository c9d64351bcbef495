import { describe, expect, it } from 'vitest';
import { NOTIFICATION_KINDS, type NotificationData } from '../../src/domain/notifications.js';
import { escapeHtml, pickLocale, renderNotification, TEMPLATES } from '../../src/notifications/templates.js';

// Every placeholder any template uses, with a value, so a full render has no gaps.
const FULL: NotificationData = {
  recipientName: '王芳', sessionTitle: '个案工作', dimension: 'party_policy', level: 2,
  startsAt: '2026-03-16T01:00:00Z', endsAt: '2026-03-16T03:00:00Z', place: '万明园社工站', trainer: '李老师', note: '带笔记本',
  taskTitle: '建立服务台账', communityName: '万明园', stage: 'support', dueAt: Date.parse('2026-03-20T09:30:00Z'), guidance: '见手册第3章',
  daysOverdue: 2, itemTitle: '台账', assigneeName: '张三', round: 1, signedOffBy: '中心督导', signedOffAt: '2026-04-01T02:00:00Z',
  comments: '很好', workerName: '王芳', score: 88, reason: '两次未通过', milestone: 'fit_out', targetDate: '2026-05-01', daysLate: 3,
  weekOf: '2026-03-16', operating: 11, total: 23, slippingMilestones: '2', stagesAwaiting: '1', trainingCompletion: '85%',
  calendarNote: '2027 年节假日未发布', coverageChange: '+1', plansByStage: 'guide 3', overdueTasks: 2, residentsServed: 1100, cycleName: '2026 春季培训', change: '改到下午',
  callTitle: '2027 年优秀案例征集', deadlineAt: '2027-05-01T10:00:00Z', casesLeft: 3, phaseName: 'submission', outstanding: '2',
  theme: 'elderly', quantity: 20, requestId: 'rr-1', action: '登记送达情况', dateName: '需求日期',
};

describe('notification templates', () => {
  it.each(NOTIFICATION_KINDS.flatMap((kind) => (['zh-CN', 'en'] as const).map((locale) => [kind, locale] as const)))(
    'render %s in %s with every placeholder filled',
    (kind, locale) => {
      const rendered = renderNotification(kind, locale, FULL);
      expect(rendered.subject.length).toBeGreaterThan(0);
      expect(rendered.subject).not.toMatch(/[{}]|—/);
      expect(rendered.text).not.toMatch(/\{\w+\}/);
      expect(rendered.text).not.toContain('—\n');
      expect(rendered.html).toContain(`<html lang="${locale}">`);
      const chinese = /[\u4e00-\u9fff]/.test(TEMPLATES[kind][locale].lines.map((line) => line.text).join(''));
      expect(chinese).toBe(locale === 'zh-CN');
    },
  );

  it('prints instants in Beijing time and vocabulary in the recipient\'s language', () => {
    const zh = renderNotification('session_reminder', 'zh-CN', FULL);
    expect(zh.subject).toBe('培训提醒：党建引领与政策第2级，2026-03-16 09:00');
    const en = renderNotification('stage_signed_off', 'en', FULL);
    expect(en.text).toContain('The support stage of the 万明园 station plan was signed off by 中心督导.');
    expect(en.text).toContain('Signed off at: 2026-04-01 10:00 (Beijing time)');
    expect(renderNotification('milestone_slipping', 'zh-CN', FULL).subject).toBe('建站节点延误：万明园（装修布置）');
  });

  it('prefers the value in the recipient\'s language when both are given', () => {
    const data = { ...FULL, taskTitleZh: '建立台账', taskTitleEn: 'Set up the ledger' };
    expect(renderNotification('task_due', 'zh-CN', data).subject).toBe('任务即将到期：建立台账');
    expect(renderNotification('task_due', 'en', data).subject).toBe('Task due soon: Set up the ledger');
  });

  it('leaves out optional lines without a value and marks a missing required value with a dash', () => {
    const rendered = renderNotification('stage_signed_off', 'zh-CN', { communityName: '万明园', stage: 'guide' });
    expect(rendered.text).not.toContain('意见');
    expect(rendered.text).toContain('已由 — 签字确认');
    expect(rendered.text.split('\n')[0]).toBe('—，您好：');
  });

  it('never interprets a value: HTML is escaped, placeholders and template syntax stay literal', () => {
    const hostile = {
      ...FULL,
      taskTitle: '<img src=x onerror=alert(1)> {recipientName} ${process.env.SECRET} {{7*7}} <%= 7*7 %>',
      communityName: '"quoted" & \'single\'',
    };
    const rendered = renderNotification('task_due', 'en', hostile);
    expect(rendered.subject).toBe('Task due soon: <img src=x onerror=alert(1)> {recipientName} ${process.env.SECRET} {{7*7}} <%= 7*7 %>');
    expect(rendered.html).not.toContain('<img');
    expect(rendered.html).toContain('&lt;img src=x onerror=alert(1)&gt; {recipientName} ${process.env.SECRET} {{7*7}} &lt;%= 7*7 %&gt;');
    expect(rendered.html).toContain('&quot;quoted&quot; &amp; &#39;single&#39;');
    expect(rendered.html).not.toContain('49');
  });

  it('keeps the subject on one line when a value has line breaks', () => {
    const rendered = renderNotification('task_due', 'zh-CN', { ...FULL, taskTitle: '第一行\r\nBcc: someone@example.org' });
    expect(rendered.subject).toBe('任务即将到期：第一行 Bcc: someone@example.org');
    expect(rendered.html).toContain('第一行<br>Bcc');
  });

  it('chooses zh-CN unless the recipient chose English', () => {
    expect(pickLocale('en')).toBe('en');
    expect(pickLocale('en-GB')).toBe('en');
    expect(pickLocale('zh-CN')).toBe('zh-CN');
    expect(pickLocale(null)).toBe('zh-CN');
    expect(pickLocale('fr')).toBe('zh-CN');
  });

  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});
