import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import { type DeliveryChannel, type DeliveryOutcome, type OutgoingMessage, TransientDeliveryError } from './types.js';

export interface EmailChannelOptions {
  /** smtp:// or smtps:// URL, credentials included; undefined: e-mail is not configured. */
  smtpUrl: string | undefined;
  /** The From header, e.g. `Shegong <shegong@example.org>`. */
  from: string;
  /** Socket timeouts (ms); kept below the outbox's sending lease so a slow attempt ends first. */
  timeoutMs?: number;
}

const ADDRESS = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;

/** The address part of a From header (`Name <a@b>` or `a@b`). */
export function fromAddress(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}

/**
 * A Message-ID derived from the idempotency key: a message sent twice (a retry after a crash
 * between "sent" and "marked delivered") carries the same id, so mail systems can fold the copies.
 */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = fromAddress(from).split('@')[1] ?? 'shegong.local';
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}@${domain}>`;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** SMTP failures: a 5xx rejection of the recipient or the message is permanent; the rest may pass. */
export function classifySmtpError(error: unknown): DeliveryOutcome {
  const smtp = error as SmtpError;
  const detail = smtp.response ?? smtp.message ?? String(error);
  const rejected = smtp.code === 'EENVELOPE' || smtp.code === 'EMESSAGE';
  if (rejected && typeof smtp.responseCode === 'number' && smtp.responseCode >= 500 && smtp.responseCode < 600) {
    return { status: 'failed', reason: `SMTP rejected: ${detail}` };
  }
  throw new TransientDeliveryError(`SMTP ${smtp.code ?? 'error'}${smtp.responseCode ? ` ${smtp.responseCode}` : ''}: ${detail}`);
}

/** E-mail over SMTP with nodemailer: plain text and HTML, and an .ics invite when there is one. */
export function createEmailChannel(options: EmailChannelOptions): DeliveryChannel {
  const timeout = options.timeoutMs ?? 20_000;
  const transport = options.smtpUrl
    ? nodemailer.createTransport({ url: options.smtpUrl, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout })
    : undefined;
  return {
    async send(message: OutgoingMessage): Promise<DeliveryOutcome> {
      if (!transport) return { status: 'failed', reason: 'e-mail is not configured (SMTP_URL is not set)' };
      const to = message.recipient.email?.trim();
      if (!to) return { status: 'failed', reason: `worker ${message.recipient.id} has no e-mail address` };
      // The address itself stays out of the outbox: it is personal data, and the record names whose it is.
      if (!ADDRESS.test(to)) return { status: 'failed', reason: 'bad e-mail address on the worker record' };
      const messageId = messageIdFor(message.idempotencyKey, options.from);
      try {
        await transport.sendMail({
          from: options.from,
          to: { name: message.recipient.name, address: to },
          subject: message.subject,
          text: message.text,
          ...(message.html ? { html: message.html } : {}),
          messageId,
          headers: { 'X-Shegong-Idempotency-Key': message.idempotencyKey },
          ...(message.calendarInvite ? { icalEvent: { method: 'REQUEST', filename: 'invite.ics', content: message.calendarInvite } } : {}),
        });
      } catch (error) {
        return classifySmtpError(error);
      }
      return { status: 'delivered', ref: messageId };
    },
  };
}
