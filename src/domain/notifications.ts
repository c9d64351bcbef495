// The contract between workflows and the notify activity: plain types only.

export const NOTIFICATION_KINDS = [
  'session_reminder',
  'task_due',
  'task_overdue',
  'escalation',
  'stage_signed_off',
  'sign_off_requested',
  'promotion',
  'coaching_flag',
  'milestone_due',
  'milestone_slipping',
  'digest',
  'cycle_cancelled',
  'session_changed',
  'case_call_reminder',
  'case_review_reminder',
  'case_call_escalation',
  'resource_request_reminder',
  'resource_request_escalation',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Template variables: flat and plain, never interpreted as template code. */
export type NotificationData = Record<string, string | number | boolean | null>;

/**
 * Real state a reminder depends on, checked just before it is sent: a task done or a session
 * cancelled in the meantime sends nothing.
 */
export type StateCheck =
  | { type: 'plan_task_open'; planId: string; taskId: string }
  | { type: 'plan_stage_awaiting_sign_off'; planId: string; stage: string }
  | { type: 'session_scheduled'; sessionId: string; startsAt?: string }
  | { type: 'enrolment_active'; cycleId: string; workerId: string }
  | { type: 'milestone_pending'; communityId: string; milestone: string };

export interface NotifyRequest {
  /** Idempotency key stem: workflow id + step. Recipient and channel are appended per delivery. */
  key: string;
  workflowId?: string;
  /** A worker id (every person who gets notifications is in the workers table). */
  recipientId: string;
  kind: NotificationKind;
  data: NotificationData;
  /** When the notification was due (epoch ms), for lateness figures. */
  dueAt?: number;
  check?: StateCheck;
  /**
   * Channels for this notification instead of the recipient's preferred ones (workers.channels);
   * the inbox is always added.
   */
  channels?: Array<'inbox' | 'email' | 'wecom'>;
  /** An .ics invite to attach to e-mail (session reminders). */
  calendarEvent?: { uid: string; title: string; place: string; startsAt: string; endsAt: string };
}

export interface NotifyResult {
  /** skipped: the state check found the reminder no longer applies (nothing was written). */
  outcome: 'sent' | 'skipped';
  /** Per channel: delivered, failed (permanent, recorded), or already (an earlier attempt delivered it). */
  deliveries: Array<{ channel: string; status: 'delivered' | 'failed' | 'already' }>;
}

/** Attempts per channel delivery before the outbox marks it failed. */
export const MAX_DELIVERY_ATTEMPTS = 12;
