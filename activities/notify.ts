import { randomUUID } from 'node:crypto';
import type { NotifyRequest, NotifyResult } from '../src/domain/notifications.js';
import type { ActivityDeps } from './deps.js';

/**
 * The notify activity: writes one outbox row per channel under an idempotency key (workflow id +
 * step + recipient + channel) and delivers it. A retry, a restarted worker or a replay finds the
 * row and never delivers twice.
 */
export function createNotifyActivities(deps: ActivityDeps) {
  const { db } = deps.store;
  return {
    async notify(request: NotifyRequest): Promise<NotifyResult> {
      const recipient = await db.selectFrom('workers').select(['id', 'locale', 'channels']).where('id', '=', request.recipientId).executeTakeFirst();
      if (!recipient) return { outcome: 'skipped', deliveries: [] };
      const deliveries: NotifyResult['deliveries'] = [];
      const channels = ['inbox' as const];
      for (const channel of channels) {
        const key = `${request.key}:${recipient.id}:${channel}`;
        const inserted = await db.insertInto('notifications').values({
          id: randomUUID(),
          idempotency_key: key,
          recipient_id: recipient.id,
          channel,
          kind: request.kind,
          locale: recipient.locale,
          subject: request.kind,
          body_text: JSON.stringify(request.data),
          body_html: null,
          payload: JSON.stringify(request.data),
          workflow_id: request.workflowId ?? null,
          status: 'delivered',
          due_at: request.dueAt ? new Date(request.dueAt) : null,
          delivered_at: deps.clock(),
        }).onConflict((oc) => oc.column('idempotency_key').doNothing()).returning('id').executeTakeFirst();
        deliveries.push({ channel, status: inserted ? 'delivered' : 'already' });
      }
      return { outcome: 'sent', deliveries };
    },
  };
}
