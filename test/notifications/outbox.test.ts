import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActivityDeps } from '../../activities/deps.js';
import { messageIdFor } from '../../activities/channels/email.js';
import { TransientDeliveryError } from '../../activities/channels/types.js';
import { createNotifyActivities, deliveryKey, type NotifyOptions } from '../../activities/notification.js';
import type { NotifyRequest } from '../../src/domain/notifications.js';
import { shanghaiInstant } from '../../src/domain/time.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import type { TestStore } from '../helpers/store.js';
import { silentLogger, testConfig } from '../helpers/temporal.js';
import { startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from './support.js';

const WORKER = 'w-wanmingyuan-sw1';
const LEAD = 'w-wanmingyuan-lead';
const FROM = 'Shegong <noreply@shegong.test>';

describe('notify: the outbox and its channels', () => {
  let harness: Harness;
  let store: TestStore;
  let smtp: SmtpReceiver;
  let robot: WebhookReceiver;
  let counter = 0;

  beforeAll(async () => {
    harness = await startHarness({ name: 'outbox', seed: true, worker: false, api: false, tokens: false });
    store = harness.store;
    smtp = await startSmtpReceiver();
    robot = await startWebhookReceiver();
  });
  afterAll(async () => {
    await smtp?.close();
    await robot?.close();
    await harness?.close();
  });
  beforeEach(async () => {
    smtp.messages.length = 0;
    smtp.rcpt = () => undefined;
    robot.requests.length = 0;
    robot.respond = () => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } });
    await store.db.updateTable('workers').set({
      email: 'sw1@wanmingyuan.test', locale: 'zh-CN', channels: ['inbox', 'email', 'wecom'], wecom_webhook_url: robot.url, active: true,
    }).where('id', '=', WORKER).execute();
  });
  afterEach(() => {
    counter += 1;
  });

  function deps(overrides: Partial<Record<string, string>> = {}): ActivityDeps {
    return {
      store,
      // The robot listens on loopback: its exact origin is allowed, as an operator's relay would be.
      config: testConfig({ SMTP_URL: smtp.url, SMTP_FROM: FROM, WECOM_ALLOWED_HOSTS: new URL(robot.url).origin, ...overrides }),
      logger: silentLogger,
      temporal: harness.client,
      clock: () => new Date(),
    };
  }
  const activity = (options: NotifyOptions = {}, overrides: Partial<Record<string, string>> = {}) => createNotifyActivities(deps(overrides), options).notify;

  function request(extra: Partial<NotifyRequest> = {}): NotifyRequest {
    return {
      key: `test-wf-${counter}:task-due:t1`,
      workflowId: `test-wf-${counter}`,
      recipientId: WORKER,
      kind: 'task_due',
      data: { taskTitleZh: '建立服务台账', taskTitleEn: 'Set up the service ledger', communityNameZh: '万明园', communityNameEn: 'Wanmingyuan', stage: 'guide', dueAt: '2026-03-16T01:00:00Z' },
      dueAt: Date.parse('2026-03-16T01:00:00Z'),
      ...extra,
    };
  }
  const rowsFor = (key: string) => store.db.selectFrom('notifications').selectAll().where('idempotency_key', 'like', `${key}:%`).orderBy('channel').execute();

  it('delivers to the inbox, e-mail and WeCom once each, in the recipient\'s language', async () => {
    const result = await activity()(request());
    expect(result).toEqual({ outcome: 'sent', deliveries: [
      { channel: 'inbox', status: 'delivered' },
      { channel: 'email', status: 'delivered' },
      { channel: 'wecom', status: 'delivered' },
    ] });
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0]!;
    expect(mail.to).toEqual(['sw1@wanmingyuan.test']);
    expect(mail.subject).toBe('任务即将到期：建立服务台账');
    expect(mail.text).toContain('万明园社工站“指导”阶段的任务“建立服务台账”将于 2026-03-16 09:00（北京时间）到期');
    expect(mail.html).toContain('<p>万明园社工站');
    expect(mail.messageId).toBe(messageIdFor(deliveryKey(request().key, WORKER, 'email'), FROM));
    expect(robot.requests).toHaveLength(1);
    expect(robot.requests[0]!.body.msgtype).toBe('text');
    expect(robot.requests[0]!.body.text!.content).toContain('任务即将到期：建立服务台账');
    const rows = await rowsFor(request().key);
    expect(rows.map((row) => [row.channel, row.status, row.attempts])).toEqual([['email', 'delivered', 1], ['inbox', 'delivered', 1], ['wecom', 'delivered', 1]]);
  });

  it('writes English for a recipient whose locale is en', async () => {
    await store.db.updateTable('workers').set({ locale: 'en' }).where('id', '=', WORKER).execute();
    await activity()(request());
    expect(smtp.messages[0]!.subject).toBe('Task due soon: Set up the service ledger');
    expect(smtp.messages[0]!.text).toContain('The task "Set up the service ledger" of the guide stage at Wanmingyuan station is due at 2026-03-16 09:00 (Beijing time).');
    expect(robot.requests[0]!.body.text!.content).toContain('Task due soon');
  });

  it('attaches an .ics invite with the session time as the exact UTC instant of 09:00 Beijing', async () => {
    const startsAt = new Date(shanghaiInstant('2026-03-16', '09:00')).toISOString();
    const endsAt = new Date(shanghaiInstant('2026-03-16', '11:30')).toISOString();
    await activity()(request({
      kind: 'session_reminder',
      data: { dimension: 'professional_methods', level: 2, startsAt, endsAt, place: '万明园社工站二楼活动室', trainer: '李老师' },
      calendarEvent: { uid: 'session-s1@shegong', title: '个案工作方法（进阶）', place: '万明园社工站二楼活动室', startsAt, endsAt },
    }));
    const mail = smtp.messages[0]!;
    expect(mail.subject).toBe('培训提醒：个案·小组·社区工作方法第2级，2026-03-16 09:00');
    expect(mail.text).toContain('时间：2026-03-16 09:00 至 2026-03-16 11:30（北京时间）');
    expect(mail.calendar).toBeDefined();
    expect(mail.calendar).toContain('METHOD:REQUEST');
    expect(mail.calendar).toContain('UID:session-s1@shegong');
    expect(mail.calendar).toContain('DTSTART:20260316T010000Z');
    expect(mail.calendar).toContain('DTEND:20260316T033000Z');
    expect(mail.calendar).toContain('LOCATION:万明园社工站二楼活动室');
    // WeCom carries the text only; the invite is an e-mail attachment.
    expect(robot.requests[0]!.body.text!.content).not.toContain('BEGIN:VCALENDAR');
  });

  it('delivers nothing again when the activity is retried with the same key', async () => {
    const notify = activity();
    await notify(request());
    const again = await notify(request());
    expect(again.deliveries).toEqual([
      { channel: 'inbox', status: 'already' },
      { channel: 'email', status: 'already' },
      { channel: 'wecom', status: 'already' },
    ]);
    expect(smtp.messages).toHaveLength(1);
    expect(robot.requests).toHaveLength(1);
    expect(await rowsFor(request().key)).toHaveLength(3);
  });

  it('delivers exactly once after a crash between "written" and "delivered"', async () => {
    let crash = true;
    const notify = activity({ hooks: { afterWrite: () => {
      if (crash) {
        crash = false;
        throw new Error('worker died after writing the outbox rows');
      }
    } } });
    await expect(notify(request())).rejects.toThrow('worker died');
    const written = await rowsFor(request().key);
    expect(written.map((row) => [row.channel, row.status])).toEqual([['email', 'pending'], ['inbox', 'delivered'], ['wecom', 'pending']]);
    expect(smtp.messages).toHaveLength(0);
    const retried = await notify(request());
    expect(retried.deliveries).toEqual([
      { channel: 'inbox', status: 'already' },
      { channel: 'email', status: 'delivered' },
      { channel: 'wecom', status: 'delivered' },
    ]);
    expect(smtp.messages).toHaveLength(1);
    expect(robot.requests).toHaveLength(1);
  });

  it('resends with the same Message-ID when an attempt died between "sent" and "marked" (at least once)', async () => {
    let crash = true;
    const notify = activity({ sendingLeaseMs: 0, hooks: { afterSend: () => {
      if (crash) {
        crash = false;
        throw new Error('worker died after the SMTP server accepted the message');
      }
    } } });
    await expect(notify(request({ channels: ['email'] }))).rejects.toThrow();
    const [email] = (await rowsFor(request().key)).filter((row) => row.channel === 'email');
    expect(email!.status).toBe('sending');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await notify(request({ channels: ['email'] }));
    expect(smtp.messages).toHaveLength(2);
    expect(smtp.messages[0]!.messageId).toBe(smtp.messages[1]!.messageId);
    const [after] = (await rowsFor(request().key)).filter((row) => row.channel === 'email');
    expect([after!.status, after!.attempts]).toEqual(['delivered', 2]);
  });

  it('does not send while another live attempt holds the delivery, and that attempt delivers once', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let sent!: () => void;
    const accepted = new Promise<void>((resolve) => { sent = resolve; });
    const slow = activity({ hooks: { afterSend: async () => {
      sent();
      await held;
    } } });
    const first = slow(request({ channels: ['email'] }));
    await accepted;
    await expect(activity()(request({ channels: ['email'] }))).rejects.toThrow(/another attempt is delivering it/);
    release();
    await first;
    expect(smtp.messages).toHaveLength(1);
    const [email] = (await rowsFor(request().key)).filter((row) => row.channel === 'email');
    expect(email!.status).toBe('delivered');
  });

  it('records a transient SMTP refusal, throws for a retry, and the retry delivers', async () => {
    smtp.rcpt = () => ({ code: 451, message: 'try again later' });
    const notify = activity();
    const failed = notify(request());
    await expect(failed).rejects.toBeInstanceOf(TransientDeliveryError);
    await expect(failed).rejects.toThrow(/email: SMTP .*451/);
    let rows = await rowsFor(request().key);
    const email = rows.find((row) => row.channel === 'email')!;
    expect([email.status, email.attempts]).toEqual(['pending', 1]);
    expect(email.last_error).toMatch(/451/);
    expect(rows.find((row) => row.channel === 'wecom')!.status).toBe('delivered');

    smtp.rcpt = () => undefined;
    const retried = await notify(request());
    expect(retried.deliveries).toEqual([
      { channel: 'inbox', status: 'already' },
      { channel: 'email', status: 'delivered' },
      { channel: 'wecom', status: 'already' },
    ]);
    rows = await rowsFor(request().key);
    expect(rows.find((row) => row.channel === 'email')!.attempts).toBe(2);
    expect(robot.requests).toHaveLength(1);
  });

  it('marks a rejected address failed with the reason and does not fail the caller', async () => {
    smtp.rcpt = () => ({ code: 550, message: 'no such mailbox' });
    robot.respond = () => ({ status: 404, body: { error: 'no such robot' } });
    const result = await activity()(request());
    expect(result).toEqual({ outcome: 'sent', deliveries: [
      { channel: 'inbox', status: 'delivered' },
      { channel: 'email', status: 'failed' },
      { channel: 'wecom', status: 'failed' },
    ] });
    const rows = await rowsFor(request().key);
    expect(rows.find((row) => row.channel === 'email')!.last_error).toMatch(/550.*no such mailbox/);
    expect(rows.find((row) => row.channel === 'wecom')!.last_error).toMatch(/404/);
    // A failed delivery stays failed: a later retry does not resend it.
    const again = await activity()(request());
    expect(again.deliveries.map((d) => d.status)).toEqual(['already', 'failed', 'failed']);
    expect(robot.requests).toHaveLength(1);
  });

  it('marks a malformed address and a missing address failed without contacting the server', async () => {
    await store.db.updateTable('workers').set({ email: 'not an address' }).where('id', '=', WORKER).execute();
    const bad = await activity()(request({ channels: ['email'] }));
    expect(bad.deliveries[1]).toEqual({ channel: 'email', status: 'failed' });
    await store.db.updateTable('workers').set({ email: null }).where('id', '=', WORKER).execute();
    const none = await activity()(request({ key: `${request().key}:b`, channels: ['email'] }));
    expect(none.deliveries[1]).toEqual({ channel: 'email', status: 'failed' });
    expect(smtp.messages).toHaveLength(0);
    const reasons = await store.db.selectFrom('notifications').select('last_error').where('recipient_id', '=', WORKER)
      .where('channel', '=', 'email').where('idempotency_key', 'like', `${request().key}%`).orderBy('created_at').execute();
    expect(reasons.map((row) => row.last_error)).toEqual(['bad e-mail address on the worker record', `worker ${WORKER} has no e-mail address`]);
  });

  it('treats a WeCom 500, a 429 and errcode 45009 as transient and another errcode as permanent', async () => {
    const answers = [
      { status: 500, body: {} },
      { status: 429, body: {} },
      { status: 200, body: { errcode: 45009, errmsg: 'api freq out of limit' } },
      { status: 200, body: { errcode: 0, errmsg: 'ok' } },
    ];
    robot.respond = (index) => answers[index]!;
    const notify = activity();
    for (const expected of [/500/, /429/, /45009/]) {
      await expect(notify(request({ channels: ['wecom'] }))).rejects.toThrow(expected);
    }
    const done = await notify(request({ channels: ['wecom'] }));
    expect(done.deliveries[1]).toEqual({ channel: 'wecom', status: 'delivered' });
    expect(robot.requests).toHaveLength(4);

    robot.respond = () => ({ status: 200, body: { errcode: 93000, errmsg: 'invalid webhook url' } });
    const permanent = await notify(request({ key: `${request().key}:b`, channels: ['wecom'] }));
    expect(permanent.deliveries[1]).toEqual({ channel: 'wecom', status: 'failed' });
  });

  it('falls back to WECOM_WEBHOOK_URL for a worker without a webhook, and sends markdown when asked', async () => {
    await store.db.updateTable('workers').set({ wecom_webhook_url: null }).where('id', '=', WORKER).execute();
    const { createWecomChannel } = await import('../../activities/channels/wecom.js');
    const wecom = createWecomChannel({ defaultWebhookUrl: robot.url.replace('test-robot', 'street-robot'), format: 'markdown', policy: { allowed: [new URL(robot.url).origin] } });
    await activity({ channels: { wecom } })(request({ channels: ['wecom'], data: { taskTitle: '<b>*台账*</b>', communityName: '万明园', stage: 'guide', dueAt: 0 } }));
    expect(robot.requests[0]!.path).toContain('key=street-robot');
    expect(robot.requests[0]!.body.msgtype).toBe('markdown');
    expect(robot.requests[0]!.body.markdown!.content).toContain('&lt;b&gt;\\*台账\\*&lt;/b&gt;');
  });

  it('gives up after the last attempt and records the failure instead of throwing', async () => {
    const notify = activity({ maxDeliveryAttempts: 2 }, { SMTP_URL: 'smtp://127.0.0.1:9' });
    await expect(notify(request({ channels: ['email'] }))).rejects.toThrow(/ECONNECTION|ECONNREFUSED/);
    const last = await notify(request({ channels: ['email'] }));
    expect(last.deliveries[1]).toEqual({ channel: 'email', status: 'failed' });
    const [email] = (await rowsFor(request().key)).filter((row) => row.channel === 'email');
    expect(email!.last_error).toMatch(/gave up after 2 attempts/);
  });

  it('records e-mail as failed when SMTP_URL is not set', async () => {
    const result = await activity({}, { SMTP_URL: '' })(request({ channels: ['email'] }));
    expect(result.deliveries[1]).toEqual({ channel: 'email', status: 'failed' });
    const [email] = (await rowsFor(request().key)).filter((row) => row.channel === 'email');
    expect(email!.last_error).toBe('e-mail is not configured (SMTP_URL is not set)');
  });

  it('sends nothing to an unknown or inactive recipient', async () => {
    expect(await activity()(request({ recipientId: 'w-nobody' }))).toEqual({ outcome: 'skipped', deliveries: [] });
    await store.db.updateTable('workers').set({ active: false }).where('id', '=', WORKER).execute();
    expect(await activity()(request())).toEqual({ outcome: 'skipped', deliveries: [] });
    expect(await rowsFor(request().key)).toHaveLength(0);
  });

  it('uses the recipient\'s preferred channels, with the inbox always added', async () => {
    await store.db.updateTable('workers').set({ channels: ['wecom'] }).where('id', '=', LEAD).execute();
    await store.db.updateTable('workers').set({ wecom_webhook_url: robot.url }).where('id', '=', LEAD).execute();
    const result = await activity()(request({ recipientId: LEAD }));
    expect(result.deliveries.map((d) => d.channel)).toEqual(['inbox', 'wecom']);
    expect(smtp.messages).toHaveLength(0);
  });

  it('keeps the values it is given as text: HTML is escaped and placeholders in values stay literal', async () => {
    await activity()(request({ channels: ['email'], data: { taskTitle: '<script>alert(1)</script> {communityName}', communityName: '万明园', stage: 'guide', dueAt: 0 } }));
    const mail = smtp.messages[0]!;
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; {communityName}');
    expect(mail.html).not.toContain('<script>');
    expect(mail.text).toContain('<script>alert(1)</script> {communityName}');
  });

  describe('state checks', () => {
    const PLAN = 'plan-check-1';
    beforeAll(async () => {
      const community = 'cn-bj-xicheng-zhanlanlu-wanmingyuan';
      await sql`INSERT INTO plans (id, community_id, template_id, template_version, status, current_stage, started_on)
        VALUES (${PLAN}, ${community}, 'default', 1, 'running', 'guide', '2026-03-02')`.execute(store.db);
      await sql`INSERT INTO plan_stages (plan_id, stage, status) VALUES (${PLAN}, 'guide', 'awaiting_sign_off'), (${PLAN}, 'support', 'pending')`.execute(store.db);
      await sql`INSERT INTO plan_tasks (plan_id, task_id, stage, title_zh, title_en, required, status)
        VALUES (${PLAN}, 'open-task', 'guide', '开放', 'open', true, 'open'), (${PLAN}, 'done-task', 'guide', '完成', 'done', true, 'done')`.execute(store.db);
      await sql`INSERT INTO training_cycles (id, org_unit_id, name, status, definition) VALUES ('cycle-check', 'cn-bj-xicheng-zhanlanlu', 'check', 'running', '{}')`.execute(store.db);
      await sql`INSERT INTO sessions (id, cycle_id, dimension_key, level, starts_at, ends_at, place, trainer, capacity, status) VALUES
        ('s-on', 'cycle-check', 'party_policy', 1, '2026-03-16T01:00:00Z', '2026-03-16T03:00:00Z', 'A', 'T', 30, 'scheduled'),
        ('s-moved', 'cycle-check', 'party_policy', 1, '2026-03-17T01:00:00Z', '2026-03-17T03:00:00Z', 'A', 'T', 30, 'moved'),
        ('s-off', 'cycle-check', 'party_policy', 1, '2026-03-18T01:00:00Z', '2026-03-18T03:00:00Z', 'A', 'T', 30, 'cancelled')`.execute(store.db);
      await sql`INSERT INTO enrolments (cycle_id, worker_id, status) VALUES ('cycle-check', ${WORKER}, 'enrolled'), ('cycle-check', ${LEAD}, 'withdrawn')`.execute(store.db);
      await sql`INSERT INTO rollout_milestones (community_id, milestone, target_date, status) VALUES
        (${community}, 'site', '2026-04-01', 'pending'), (${community}, 'staffing', '2026-05-01', 'done')`.execute(store.db);
    });

    it.each([
      ['an open plan task', { type: 'plan_task_open', planId: PLAN, taskId: 'open-task' }, true],
      ['a done plan task', { type: 'plan_task_open', planId: PLAN, taskId: 'done-task' }, false],
      ['a missing plan task', { type: 'plan_task_open', planId: PLAN, taskId: 'nope' }, false],
      ['a stage awaiting sign-off', { type: 'plan_stage_awaiting_sign_off', planId: PLAN, stage: 'guide' }, true],
      ['a stage not yet awaiting sign-off', { type: 'plan_stage_awaiting_sign_off', planId: PLAN, stage: 'support' }, false],
      ['a scheduled session', { type: 'session_scheduled', sessionId: 's-on' }, true],
      ['a scheduled session at the time the reminder names', { type: 'session_scheduled', sessionId: 's-on', startsAt: '2026-03-16T09:00:00+08:00' }, true],
      ['a session that moved away from the time the reminder names', { type: 'session_scheduled', sessionId: 's-moved', startsAt: '2026-03-16T01:00:00Z' }, false],
      ['a moved session at its new time', { type: 'session_scheduled', sessionId: 's-moved', startsAt: '2026-03-17T01:00:00Z' }, true],
      ['a cancelled session', { type: 'session_scheduled', sessionId: 's-off' }, false],
      ['an active enrolment', { type: 'enrolment_active', cycleId: 'cycle-check', workerId: WORKER }, true],
      ['a withdrawn enrolment', { type: 'enrolment_active', cycleId: 'cycle-check', workerId: LEAD }, false],
    ] as const)('for %s: %s', async (_name, check, applies) => {
      const key = `check-${counter}-${check.type}-${JSON.stringify(check).length}-${applies}`;
      const result = await activity()(request({ key, check, channels: ['email'] }));
      expect(result.outcome).toBe(applies ? 'sent' : 'skipped');
      expect(await rowsFor(key)).toHaveLength(applies ? 2 : 0);
      expect(smtp.messages).toHaveLength(applies ? 1 : 0);
    });

    it('sends for a pending milestone and skips a done one', async () => {
      const communityId = 'cn-bj-xicheng-zhanlanlu-wanmingyuan';
      const pending = await activity()(request({ key: 'milestone-pending', check: { type: 'milestone_pending', communityId, milestone: 'site' } }));
      const done = await activity()(request({ key: 'milestone-done', check: { type: 'milestone_pending', communityId, milestone: 'staffing' } }));
      expect([pending.outcome, done.outcome]).toEqual(['sent', 'skipped']);
    });

    it('marks rows still pending as skipped when the item was done before a retry', async () => {
      await sql`UPDATE plan_tasks SET status = 'open' WHERE task_id = 'done-task'`.execute(store.db);
      smtp.rcpt = () => ({ code: 451, message: 'busy' });
      const check = { type: 'plan_task_open', planId: PLAN, taskId: 'done-task' } as const;
      await expect(activity()(request({ key: 'retry-after-done', check, channels: ['email'] }))).rejects.toThrow(/451/);
      await sql`UPDATE plan_tasks SET status = 'done' WHERE task_id = 'done-task'`.execute(store.db);
      smtp.rcpt = () => undefined;
      const retried = await activity()(request({ key: 'retry-after-done', check, channels: ['email'] }));
      expect(retried.outcome).toBe('skipped');
      const rows = await rowsFor('retry-after-done');
      expect(rows.map((row) => [row.channel, row.status])).toEqual([['email', 'skipped'], ['inbox', 'delivered']]);
      expect(rows[0]!.last_error).toMatch(/state check: plan task done-task is done/);
      expect(smtp.messages).toHaveLength(0);
    });
  });
});
