import type { NotificationData } from '../src/domain/notifications.js';
import { digestContent, digestData, digestRecipientsOf, type DigestContent } from '../src/services/digest.js';
import type { ActivityDeps } from './deps.js';

/** The digest workflow's one read: the street's figures for the period, and who receives them. */
export function createDigestActivities(deps: ActivityDeps) {
  const { db } = deps.store;
  return {
    async buildDigest(input: { streetId: string; period: string }): Promise<{ recipients: string[]; data: NotificationData; content: DigestContent }> {
      const content = await digestContent(db, input.streetId, new Date(input.period));
      const recipients = await digestRecipientsOf(db, input.streetId);
      // The last digest per street, for the dashboard; a retry writes the same value.
      await db.insertInto('meta')
        .values({ key: `digest:last:${input.streetId}`, value: JSON.stringify(content) })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(content), updated_at: new Date() }))
        .execute();
      return { recipients, data: digestData(content), content };
    },
  };
}
