import type { Locale } from '../../src/domain/types.js';

/** Who a message goes to, as the workers table knows them. */
export interface Recipient {
  id: string;
  name: string;
  locale: Locale;
  email: string | null;
  wecomWebhookUrl: string | null;
}

/** One outbox row's content, handed to a channel to deliver. */
export interface OutgoingMessage {
  /** The outbox row's idempotency key (workflow id + step + recipient + channel). */
  idempotencyKey: string;
  recipient: Recipient;
  subject: string;
  text: string;
  html: string | null;
  /** An iCalendar invite (session reminders). */
  calendarInvite?: string;
}

/** What a channel reports: delivered (with its own reference), or failed for good. */
export type DeliveryOutcome =
  | { status: 'delivered'; ref?: string }
  | { status: 'failed'; reason: string };

/**
 * A failure that may pass (a refused connection, a 4xx SMTP reply, a 5xx or 429 from a webhook):
 * the activity records it and throws, and Temporal retries with backoff.
 */
export class TransientDeliveryError extends Error {
  override readonly name = 'TransientDeliveryError';
}

export interface DeliveryChannel {
  send(message: OutgoingMessage): Promise<DeliveryOutcome>;
}
