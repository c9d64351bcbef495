import { describe, expect, it } from 'vitest';
import { deliveryFailureReason } from '../../src/domain/delivery-failure.js';
import { classifySmtpError, createEmailChannel } from '../../activities/channels/email.js';
import { createWecomChannel } from '../../activities/channels/wecom.js';
import { TransientDeliveryError } from '../../activities/channels/types.js';
import { outboundPolicy } from '../../src/notifications/outbound.js';

// The reason codes read the sentences the real channels record: each channel's own failures are
// produced here by the channel itself, so a reworded sentence fails this file, not a screen.

const message = (recipient: { email?: string | null; wecomWebhookUrl?: string | null }) => ({
  idempotencyKey: 'k', subject: 's', text: 't', html: null,
  recipient: { id: 'w-1', name: '张三', email: null, wecomWebhookUrl: null, locale: 'zh-CN', ...recipient },
}) as unknown as Parameters<ReturnType<typeof createEmailChannel>['send']>[0];

async function failure(send: Promise<unknown>): Promise<string> {
  try {
    const outcome = await send as { status: string; reason?: string };
    if (outcome.status !== 'failed') throw new Error(`expected a failure, got ${outcome.status}`);
    return outcome.reason!;
  } catch (error) {
    if (error instanceof TransientDeliveryError) return error.message;
    throw error;
  }
}

describe('delivery failure reasons', () => {
  it('reads the e-mail channel\'s failures', async () => {
    expect(deliveryFailureReason(await failure(createEmailChannel({ smtpUrl: '', from: 'a@b.c' }).send(message({ email: 'x@example.org' }))))).toBe('email_not_configured');
    const configured = createEmailChannel({ smtpUrl: 'smtp://127.0.0.1:1', from: 'a@b.c', timeoutMs: 500 });
    expect(deliveryFailureReason(await failure(configured.send(message({ email: null }))))).toBe('email_missing');
    expect(deliveryFailureReason(await failure(configured.send(message({ email: 'not an address' }))))).toBe('email_invalid');
    expect(deliveryFailureReason(await failure(configured.send(message({ email: 'x@example.org' }))))).toBe('smtp_unreachable');
    expect(deliveryFailureReason(await failure(Promise.resolve().then(() => classifySmtpError({ code: 'EENVELOPE', responseCode: 550, response: '550 no such user' }))))).toBe('smtp_rejected');
  });

  it('reads the WeCom channel\'s failures', async () => {
    const channel = createWecomChannel({ defaultWebhookUrl: undefined, timeoutMs: 500, policy: outboundPolicy(undefined) });
    expect(deliveryFailureReason(await failure(channel.send(message({}))))).toBe('wecom_not_configured');
    expect(deliveryFailureReason(await failure(channel.send(message({ wecomWebhookUrl: 'not a url' }))))).toBe('wecom_url_invalid');
    expect(deliveryFailureReason(await failure(channel.send(message({ wecomWebhookUrl: 'ftp://example.org/hook' }))))).toBe('wecom_url_invalid');
    expect(deliveryFailureReason(await failure(channel.send(message({ wecomWebhookUrl: 'https://hooks.example.org/robot' }))))).toBe('wecom_url_refused');
  });

  it('reads the outbox\'s giving up, WeCom answers, and knows no other text', () => {
    expect(deliveryFailureReason('gave up after 12 attempts: SMTP ECONNREFUSED: connect ECONNREFUSED')).toBe('gave_up');
    expect(deliveryFailureReason('WeCom https://qyapi.weixin.qq.com/cgi-bin/webhook/send answered 404: nope')).toBe('wecom_http_error');
    expect(deliveryFailureReason('WeCom errcode 93000: invalid webhook url')).toBe('wecom_error_code');
    expect(deliveryFailureReason('WeCom https://qyapi.weixin.qq.com/cgi-bin/webhook/send: fetch failed')).toBe('wecom_unreachable');
    expect(deliveryFailureReason('something new')).toBe('other');
    expect(deliveryFailureReason(null)).toBe('other');
  });
});
