import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { sql } from 'kysely';
import { MAX_DELIVERY_ATTEMPTS, NOTIFICATION_KINDS, type NotifyRequest, type NotifyResult } from '../src/domain/notifications.js';
import { CHANNELS, type Channel } from '../src/domain/types.js';
import { sessionInvite } from '../src/notifications/ics.js';
import { evaluateStateCheck } from '../src/notifications/state-checks.js';
import { pickLocale, renderNotification } from '../src/notifications/templates.js';
import type { Row } from '../src/store/database.js';
import { createEmailChannel, fromAddress } from './channels/email.js';
import { type DeliveryChannel, type DeliveryOutcome, type Recipient, TransientDeliveryError } from './channels/types.js';
import { createWecomChannel } from './channels/wecom.js';
import type { ActivityDeps } from './deps.js';

type NetworkChannel = Exclude<Channel, 'inbox'>;

/** Points in a delivery where tests stop the activity, to show the outbox survives a crash there. */
export interface NotifyHooks {
  /** After the outbox rows are written, before any is delivered. */
  afterWrite?: (key: string) => Promise<void> | void;
  /** After a channel accepted a message, before the row is marked delivered. */
  afterSend?: (idempotencyKey: string) => Promise<void> | void;
}

export interface NotifyOptions {
  /** Channel implementations; by default built from the config (SMTP_URL, SMTP_FROM, WECOM_WEBHOOK_URL). */
  channels?: Partial<Record<NetworkChannel, DeliveryChannel>>;
  hooks?: NotifyHooks;
  /**
   * How long a row stays claimed by an attempt that began sending. A retry that finds a younger
   * claim waits (it throws and Temporal retries) so two live attempts never send at once.
   */
  sendingLeaseMs?: number;
  maxDeliveryAttempts?: number;
}

type OutboxRow = Row<'notifications'>;

const DEFAULT_SENDING_LEASE_MS = 60_000;

/** The outbox key of one delivery: workflow id + step (the request's key), recipient and channel. */
export function deliveryKey(key: string, recipientId: string, channel: Channel): string {
  return `${key}:${recipientId}:${channel}`;
}

/**
 * The notify activity. For each channel it writes an outbox row under the delivery key (the inbox
 * row is the delivery itself), then delivers the rows still pending and marks them. A retry, a
 * restarted worker or a replay finds the rows and sends only what is not yet delivered.
 */
export function createNotifyActivities(deps: ActivityDeps, options: NotifyOptions = {}) {
  const { db } = deps.store;
  const channels: Record<NetworkChannel, DeliveryChannel> = {
    email: options.channels?.email ?? createEmailChannel({ smtpUrl: deps.config.SMTP_URL, from: deps.config.SMTP_FROM }),
    wecom: options.channels?.wecom ?? createWecomChannel({ defaultWebhookUrl: deps.config.WECOM_WEBHOOK_URL }),
  };
  const hooks = options.hooks ?? {};
  const leaseMs = options.sendingLeaseMs ?? DEFAULT_SENDING_LEASE_MS;
  const maxAttempts = options.maxDeliveryAttempts ?? MAX_DELIVERY_ATTEMPTS;

  async function markSkipped(keys: string[], reason: string) {
    if (keys.length === 0) return;
    await db.updateTable('notifications').set({ status: 'skipped', last_error: reason })
      .where('idempotency_key', 'in', keys).where('status', 'in', ['pending', 'sending']).execute();
  }

  /** Claims a pending row for this attempt; undefined when another live attempt holds it. */
  async function claim(row: OutboxRow): Promise<OutboxRow | undefined> {
    const now = deps.clock();
    const staleBefore = new Date(now.getTime() - leaseMs);
    return db.updateTable('notifications')
      .set({ status: 'sending', sending_at: now, attempts: sql`attempts + 1` })
      .where('id', '=', row.id)
      .where((eb) => eb.or([
        eb('status', '=', 'pending'),
        eb.and([eb('status', '=', 'sending'), eb('sending_at', '<', staleBefore)]),
      ]))
      .returningAll()
      .executeTakeFirst();
  }

  async function deliver(row: OutboxRow, recipient: Recipient, log: ActivityDeps['logger']): Promise<DeliveryOutcome | 'busy'> {
    const claimed = await claim(row);
    if (!claimed) return 'busy';
    if (row.status === 'sending') {
      // The earlier attempt began sending and never marked the row: the message may be out. We
      // send again (at least once) with the same Message-ID; see docs/notifications.md.
      log.warn({ key: row.idempotency_key, attempts: claimed.attempts }, 'resending a delivery whose earlier attempt was interrupted');
    }
    const payload = row.payload as { calendarInvite?: string } | null;
    let outcome: DeliveryOutcome;
    try {
      outcome = await channels[row.channel as NetworkChannel].send({
        idempotencyKey: row.idempotency_key,
        recipient,
        subject: row.subject,
        text: row.body_text,
        html: row.body_html,
        calendarInvite: payload?.calendarInvite,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (claimed.attempts >= maxAttempts) {
        outcome = { status: 'failed', reason: `gave up after ${claimed.attempts} attempts: ${message}` };
      } else {
        await db.updateTable('notifications').set({ status: 'pending', last_error: message.slice(0, 1000) }).where('id', '=', row.id).execute();
        throw error instanceof TransientDeliveryError ? error : new TransientDeliveryError(message);
      }
    }
    if (outcome.status === 'delivered') {
      await hooks.afterSend?.(row.idempotency_key);
      await db.updateTable('notifications')
        .set({ status: 'delivered', delivered_at: deps.clock(), provider_ref: outcome.ref ?? null, last_error: null })
        .where('id', '=', row.id).execute();
    } else {
      await db.updateTable('notifications').set({ status: 'failed', last_error: outcome.reason.slice(0, 1000) }).where('id', '=', row.id).execute();
      log.warn({ key: row.idempotency_key, reason: outcome.reason }, 'delivery failed for good');
    }
    return outcome;
  }

  return {
    async notify(request: NotifyRequest): Promise<NotifyResult> {
      if (!request.key) throw ApplicationFailure.nonRetryable('notify needs a key', 'ERR_INVALID_INPUT');
      if (!NOTIFICATION_KINDS.includes(request.kind)) throw ApplicationFailure.nonRetryable(`unknown notification kind ${String(request.kind)}`, 'ERR_INVALID_INPUT');
      const log = deps.logger.child({ workflowId: request.workflowId, key: request.key, recipientId: request.recipientId, kind: request.kind });

      const worker = await db.selectFrom('workers')
        .select(['id', 'name', 'locale', 'channels', 'email', 'wecom_webhook_url', 'active'])
        .where('id', '=', request.recipientId).executeTakeFirst();
      if (!worker || !worker.active) {
        log.warn(worker ? 'recipient is inactive: nothing sent' : 'unknown recipient: nothing sent');
        return { outcome: 'skipped', deliveries: [] };
      }
      const recipient: Recipient = { id: worker.id, name: worker.name, locale: pickLocale(worker.locale), email: worker.email, wecomWebhookUrl: worker.wecom_webhook_url };

      const wanted = new Set<Channel>(['inbox', ...(request.channels ?? worker.channels)]);
      const channelList = CHANNELS.filter((channel) => wanted.has(channel));
      const keys = channelList.map((channel) => deliveryKey(request.key, recipient.id, channel));

      if (request.check) {
        const state = await evaluateStateCheck(db, request.check);
        if (!state.applies) {
          await markSkipped(keys, `state check: ${state.reason}`);
          log.info({ reason: state.reason }, 'reminder no longer applies: skipped');
          return { outcome: 'skipped', deliveries: [] };
        }
      }

      const written = await writeRows(request, recipient, channelList);
      await hooks.afterWrite?.(request.key);

      // A first attempt has every row from its insert; a retry reads the ones an earlier attempt wrote.
      const missing = keys.filter((key) => !written.has(key));
      const rows = [...written.values(), ...(missing.length === 0 ? [] : await db.selectFrom('notifications').selectAll().where('idempotency_key', 'in', missing).execute())];
      const deliveries: NotifyResult['deliveries'] = [];
      const transient: string[] = [];
      for (const channel of channelList) {
        const row = rows.find((candidate) => candidate.channel === channel);
        if (!row || row.status === 'skipped') continue;
        if (channel === 'inbox') {
          deliveries.push({ channel, status: written.has(row.idempotency_key) ? 'delivered' : 'already' });
          continue;
        }
        if (row.status === 'delivered') {
          deliveries.push({ channel, status: 'already' });
          continue;
        }
        if (row.status === 'failed') {
          deliveries.push({ channel, status: 'failed' });
          continue;
        }
        try {
          const outcome = await deliver(row, recipient, log);
          if (outcome === 'busy') transient.push(`${channel}: another attempt is delivering it`);
          else deliveries.push({ channel, status: outcome.status });
        } catch (error) {
          transient.push(`${channel}: ${(error as Error).message}`);
        }
      }
      if (transient.length > 0) {
        // Everything else is recorded; Temporal retries with backoff and the retry sends only this.
        throw new TransientDeliveryError(`delivery will be retried: ${transient.join('; ')}`);
      }
      return { outcome: 'sent', deliveries };
    },
  };

  /**
   * Writes every channel's row in one statement; rows already there (a retry) are kept as they
   * are. Returns the rows this call wrote, by key.
   */
  async function writeRows(request: NotifyRequest, recipient: Recipient, channelList: Channel[]): Promise<Map<string, OutboxRow>> {
    const rendered = renderNotification(request.kind, recipient.locale, { recipientName: recipient.name, ...request.data });
    const now = deps.clock();
    const calendarInvite = request.calendarEvent ? sessionInvite(request.calendarEvent, recipient.locale, fromAddress(deps.config.SMTP_FROM)) : undefined;
    const inserted = await db.insertInto('notifications').values(channelList.map((channel) => ({
      id: randomUUID(),
      idempotency_key: deliveryKey(request.key, recipient.id, channel),
      recipient_id: recipient.id,
      channel,
      kind: request.kind,
      locale: recipient.locale,
      subject: rendered.subject,
      body_text: rendered.text,
      body_html: channel === 'wecom' ? null : rendered.html,
      payload: JSON.stringify({
        data: request.data,
        ...(request.check ? { check: request.check } : {}),
        ...(request.calendarEvent ? { calendarEvent: request.calendarEvent } : {}),
        ...(channel === 'email' && calendarInvite ? { calendarInvite } : {}),
      }),
      workflow_id: request.workflowId ?? null,
      // The inbox row is its own delivery: written is delivered.
      status: channel === 'inbox' ? 'delivered' as const : 'pending' as const,
      attempts: channel === 'inbox' ? 1 : 0,
      due_at: request.dueAt !== undefined ? new Date(request.dueAt) : null,
      created_at: now,
      delivered_at: channel === 'inbox' ? now : null,
    }))).onConflict((oc) => oc.column('idempotency_key').doNothing()).returningAll().execute();
    return new Map(inserted.map((row) => [row.idempotency_key, row]));
  }
}
