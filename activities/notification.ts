import { outboundPolicy } from '../src/notifications/outbound.js';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorType } from '../src/domain/errors.js';
import { MAX_DELIVERY_ATTEMPTS, NOTIFICATION_KINDS, type NotifyRequest, type NotifyResult } from '../src/domain/notifications.js';
import { CHANNELS, type Channel } from '../src/domain/types.js';
import { sessionInvite } from '../src/notifications/ics.js';
import { evaluateStateCheck } from '../src/store/repositories/state-check.js';
import { pickLocale, renderNotification } from '../src/notifications/templates.js';
import {
  claimOutboxRow, findOutboxRows, insertOutboxRows, markOutboxDelivered, markOutboxFailed, releaseOutboxRow, skipOutboxRows, type OutboxRow,
} from '../src/store/repositories/notification.js';
import { findRecipient } from '../src/store/repositories/worker.js';
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
    wecom: options.channels?.wecom ?? createWecomChannel({ defaultWebhookUrl: deps.config.WECOM_WEBHOOK_URL, policy: outboundPolicy(deps.config.WECOM_ALLOWED_HOSTS) }),
  };
  const hooks = options.hooks ?? {};
  const leaseMs = options.sendingLeaseMs ?? DEFAULT_SENDING_LEASE_MS;
  const maxAttempts = options.maxDeliveryAttempts ?? MAX_DELIVERY_ATTEMPTS;

  /** Claims a pending row for this attempt; undefined when another live attempt holds it. */
  function claim(row: OutboxRow): Promise<OutboxRow | undefined> {
    const now = deps.clock();
    return claimOutboxRow(db, row.id, now, new Date(now.getTime() - leaseMs));
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
        await releaseOutboxRow(db, row.id, message.slice(0, 1000));
        throw error instanceof TransientDeliveryError ? error : new TransientDeliveryError(message);
      }
    }
    if (outcome.status === 'delivered') {
      await hooks.afterSend?.(row.idempotency_key);
      await markOutboxDelivered(db, row.id, deps.clock(), outcome.ref ?? null);
    } else {
      await markOutboxFailed(db, row.id, outcome.reason.slice(0, 1000));
      log.warn({ key: row.idempotency_key, reason: outcome.reason }, 'delivery failed for good');
    }
    return outcome;
  }

  return {
    async notify(request: NotifyRequest): Promise<NotifyResult> {
      if (!request.key) throw ApplicationFailure.nonRetryable('notify needs a key', ErrorType.InvalidInput);
      if (!NOTIFICATION_KINDS.includes(request.kind)) throw ApplicationFailure.nonRetryable(`unknown notification kind ${String(request.kind)}`, ErrorType.InvalidInput);
      const log = deps.logger.child({ workflowId: request.workflowId, key: request.key, recipientId: request.recipientId, kind: request.kind });

      const worker = await findRecipient(db, request.recipientId);
      if (!worker || !worker.active) {
        log.warn(worker ? 'recipient is inactive: nothing sent' : 'unknown recipient: nothing sent');
        return { outcome: 'skipped', deliveries: [] };
      }
      const recipient: Recipient = { id: worker.id, name: worker.name, locale: pickLocale(worker.locale), email: worker.email, wecomWebhookUrl: worker.wecomWebhookUrl };

      const wanted = new Set<Channel>(['inbox', ...(request.channels ?? worker.channels)]);
      const channelList = CHANNELS.filter((channel) => wanted.has(channel));
      const keys = channelList.map((channel) => deliveryKey(request.key, recipient.id, channel));

      if (request.check) {
        const state = await evaluateStateCheck(db, request.check);
        if (!state.applies) {
          await skipOutboxRows(db, keys, `state check: ${state.reason}`);
          log.info({ reason: state.reason }, 'reminder no longer applies: skipped');
          return { outcome: 'skipped', deliveries: [] };
        }
      }

      const written = await writeRows(request, recipient, channelList);
      await hooks.afterWrite?.(request.key);

      // A first attempt has every row from its insert; a retry reads the ones an earlier attempt wrote.
      const missing = keys.filter((key) => !written.has(key));
      const rows = [...written.values(), ...await findOutboxRows(db, missing)];
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
    const inserted = await insertOutboxRows(db, channelList.map((channel) => ({
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
    })));
    return new Map(inserted.map((row) => [row.idempotency_key, row]));
  }
}
