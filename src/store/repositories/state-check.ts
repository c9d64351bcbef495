import type { Kysely } from 'kysely';
import { assertNever } from '../../domain/types.js';
import type { StateCheck } from '../../domain/notifications.js';
import type { Database } from '../database.js';

export interface StateCheckResult {
  applies: boolean;
  /** Why the reminder no longer applies, for logs and the outbox row. */
  reason?: string;
}

const yes: StateCheckResult = { applies: true };
const no = (reason: string): StateCheckResult => ({ applies: false, reason });

/**
 * Whether the item a reminder is about still needs it, read from the records store just before
 * sending. A record that does not exist does not apply either: nothing is sent about it.
 */
export async function evaluateStateCheck(db: Kysely<Database>, check: StateCheck): Promise<StateCheckResult> {
  switch (check.type) {
    case 'plan_task_open': {
      const row = await db.selectFrom('plan_tasks').select('status')
        .where('plan_id', '=', check.planId).where('task_id', '=', check.taskId).executeTakeFirst();
      if (!row) return no(`plan task ${check.planId}/${check.taskId} not found`);
      return row.status === 'open' ? yes : no(`plan task ${check.taskId} is ${row.status}`);
    }
    case 'plan_stage_awaiting_sign_off': {
      const row = await db.selectFrom('plan_stages').select('status')
        .where('plan_id', '=', check.planId).where('stage', '=', check.stage as Database['plan_stages']['stage']).executeTakeFirst();
      if (!row) return no(`plan stage ${check.planId}/${check.stage} not found`);
      return row.status === 'awaiting_sign_off' ? yes : no(`plan stage ${check.stage} is ${row.status}`);
    }
    case 'session_scheduled': {
      const row = await db.selectFrom('sessions').select(['status', 'starts_at']).where('id', '=', check.sessionId).executeTakeFirst();
      if (!row) return no(`session ${check.sessionId} not found`);
      // A moved session still takes place; a reminder for its old time is stale (startsAt differs).
      if (row.status !== 'scheduled' && row.status !== 'moved') return no(`session ${check.sessionId} is ${row.status}`);
      if (check.startsAt !== undefined && row.starts_at.getTime() !== Date.parse(check.startsAt)) {
        return no(`session ${check.sessionId} now starts at ${row.starts_at.toISOString()}`);
      }
      return yes;
    }
    case 'enrolment_active': {
      const row = await db.selectFrom('enrolments').select('status')
        .where('cycle_id', '=', check.cycleId).where('worker_id', '=', check.workerId).executeTakeFirst();
      if (!row) return no(`worker ${check.workerId} is not enrolled in cycle ${check.cycleId}`);
      return row.status === 'enrolled' ? yes : no(`enrolment of ${check.workerId} is ${row.status}`);
    }
    case 'milestone_pending': {
      const row = await db.selectFrom('rollout_milestones').select('status')
        .where('community_id', '=', check.communityId).where('milestone', '=', check.milestone as Database['rollout_milestones']['milestone']).executeTakeFirst();
      if (!row) return no(`milestone ${check.communityId}/${check.milestone} not found`);
      return row.status === 'pending' ? yes : no(`milestone ${check.milestone} is ${row.status}`);
    }
    default:
      return assertNever(check);
  }
}
