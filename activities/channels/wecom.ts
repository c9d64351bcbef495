import { webhookUrlProblemAtSend, type OutboundPolicy } from '../../src/notifications/outbound.js';
import { type DeliveryChannel, type DeliveryOutcome, type OutgoingMessage, TransientDeliveryError } from './types.js';

export interface WecomChannelOptions {
  /** WECOM_WEBHOOK_URL: the group robot used when a worker has no webhook of their own. */
  defaultWebhookUrl: string | undefined;
  /** text (default): nothing in it is interpreted; markdown: bold subject, values entity-escaped. */
  format?: 'text' | 'markdown';
  timeoutMs?: number;
  /** Where webhooks may point (WECOM_ALLOWED_HOSTS); checked, with a fresh DNS lookup, before each send. */
  policy: OutboundPolicy;
}

// The robot's limits are bytes of UTF-8: 2048 for text, 4096 for markdown.
const LIMIT = { text: 2048, markdown: 4096 } as const;
// Robot answers (errcode) worth retrying: system busy and the per-minute rate limit.
const TRANSIENT_ERRCODES = new Set([-1, 45009, 45033]);

function truncateUtf8(value: string, bytes: number): string {
  if (Buffer.byteLength(value) <= bytes) return value;
  let result = value;
  while (Buffer.byteLength(`${result}…`) > bytes) result = result.slice(0, -1);
  return `${result}…`;
}

function escapeMarkdown(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replace(/([\\`*_[\]#])/g, '\\$1');
}

export function wecomPayload(message: OutgoingMessage, format: 'text' | 'markdown'): Record<string, unknown> {
  if (format === 'markdown') {
    const content = truncateUtf8(`**${escapeMarkdown(message.subject)}**\n${escapeMarkdown(message.text)}`, LIMIT.markdown);
    return { msgtype: 'markdown', markdown: { content } };
  }
  return { msgtype: 'text', text: { content: truncateUtf8(`${message.subject}\n\n${message.text}`, LIMIT.text) } };
}

/** Where the robot hook is kept secret: only the host and path show in errors and the outbox. */
function redact(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** WeCom (企业微信) group-robot webhook: a JSON POST; the robot answers { errcode, errmsg }. */
export function createWecomChannel(options: WecomChannelOptions): DeliveryChannel {
  const format = options.format ?? 'text';
  const timeoutMs = options.timeoutMs ?? 15_000;
  return {
    async send(message: OutgoingMessage): Promise<DeliveryOutcome> {
      const target = message.recipient.wecomWebhookUrl ?? options.defaultWebhookUrl;
      if (!target) return { status: 'failed', reason: `no WeCom webhook for worker ${message.recipient.id} and WECOM_WEBHOOK_URL is not set` };
      let url: URL;
      try {
        url = new URL(target);
      } catch {
        return { status: 'failed', reason: 'bad WeCom webhook URL' };
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') return { status: 'failed', reason: `bad WeCom webhook URL scheme ${url.protocol}` };
      const refused = await webhookUrlProblemAtSend(target, options.policy);
      if (refused) return { status: 'failed', reason: `WeCom webhook ${redact(url)} refused: ${refused}` };
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-shegong-idempotency-key': message.idempotencyKey },
          body: JSON.stringify(wecomPayload(message, format)),
          redirect: 'error',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new TransientDeliveryError(`WeCom ${redact(url)}: ${(error as Error).message}`);
      }
      const body = await response.text().catch(() => '');
      if (response.status === 429 || response.status >= 500) throw new TransientDeliveryError(`WeCom ${redact(url)} answered ${response.status}`);
      if (response.status >= 300) return { status: 'failed', reason: `WeCom ${redact(url)} answered ${response.status}: ${body.slice(0, 200)}` };
      const answer = parseAnswer(body);
      if (answer.errcode === undefined || answer.errcode === 0) return { status: 'delivered', ref: `wecom ${response.status}` };
      const reason = `WeCom errcode ${answer.errcode}: ${answer.errmsg ?? ''}`.trim();
      if (TRANSIENT_ERRCODES.has(answer.errcode)) throw new TransientDeliveryError(reason);
      return { status: 'failed', reason };
    },
  };
}

function parseAnswer(body: string): { errcode?: number; errmsg?: string } {
  try {
    const parsed = JSON.parse(body) as { errcode?: unknown; errmsg?: unknown };
    return {
      errcode: typeof parsed.errcode === 'number' ? parsed.errcode : undefined,
      errmsg: typeof parsed.errmsg === 'string' ? parsed.errmsg : undefined,
    };
  } catch {
    return {};
  }
}
