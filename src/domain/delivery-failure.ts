// Why a delivery failed, as a stable code a reader's screen phrases in its own language. The
// channels (activities/channels/email.ts, wecom.ts) and the outbox (activities/notification.ts)
// record an English sentence with details (the SMTP answer, the webhook's host); this reads it
// back to the kind of failure. A sentence no rule knows is `other` (the screen shows the text).

export const DELIVERY_FAILURE_REASONS = [
  'gave_up',
  'email_not_configured',
  'email_missing',
  'email_invalid',
  'smtp_rejected',
  'smtp_unreachable',
  'wecom_not_configured',
  'wecom_url_invalid',
  'wecom_url_refused',
  'wecom_http_error',
  'wecom_error_code',
  'wecom_unreachable',
  'other',
] as const;
export type DeliveryFailureReason = (typeof DELIVERY_FAILURE_REASONS)[number];

const RULES: Array<[RegExp, DeliveryFailureReason]> = [
  [/^gave up after \d+ attempts/, 'gave_up'],
  [/^e-mail is not configured/, 'email_not_configured'],
  [/^worker \S+ has no e-mail address/, 'email_missing'],
  [/^bad e-mail address/, 'email_invalid'],
  [/^SMTP rejected/, 'smtp_rejected'],
  [/^SMTP /, 'smtp_unreachable'],
  [/^no WeCom webhook/, 'wecom_not_configured'],
  [/^bad WeCom webhook URL/, 'wecom_url_invalid'],
  [/^WeCom webhook \S+ refused/, 'wecom_url_refused'],
  [/^WeCom \S+ answered \d+/, 'wecom_http_error'],
  [/^WeCom errcode/, 'wecom_error_code'],
  [/^WeCom /, 'wecom_unreachable'],
];

/** The kind of a recorded delivery error; `other` for a text no rule knows or none at all. */
export function deliveryFailureReason(lastError: string | null): DeliveryFailureReason {
  if (!lastError) return 'other';
  return RULES.find(([pattern]) => pattern.test(lastError))?.[1] ?? 'other';
}
