import type { NotificationData } from '../src/domain/notifications.js';
import { digestContent, digestData, digestRecipientsOf, keepLastDigest, type DigestContent } from '../src/services/digest.js';
import type { ActivityDeps } from './deps.js';

/** The digest workflow's one read: the street's figures for the period, and who receives them. */
export function createDigestActivities(deps: ActivityDeps) {
  const { store } = deps;
  return {
    async buildDigest(input: { streetId: string; period: string }): Promise<{ recipients: string[]; data: NotificationData; content: DigestContent }> {
      const content = await digestContent(store, input.streetId, new Date(input.period));
      const recipients = await digestRecipientsOf(store, input.streetId);
      await keepLastDigest(store, content);
      return { recipients, data: digestData(content), content };
    },
  };
}
