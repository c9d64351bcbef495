import { type Command, Option } from 'commander';
import { table } from '../output.js';
import { type CliContext, query, seg, wholeNumber } from '../context.js';

// Notifications: your inbox (or, for supervisors and admins, a worker's in scope), marking one
// read, and the deliveries that failed (e-mail, WeCom) for workers in scope.

interface InboxItem { id: string; kind: string; subject: string; bodyText: string; dueAt: string | null; createdAt: string; readAt: string | null }
interface Inbox { recipientId: string; items: InboxItem[]; total: number; unread: number }
type Failure = {
  id: string; recipientId: string; recipientName: string; communityId: string | null; channel: string; kind: string; subject: string;
  status: string; attempts: number; lastError: string | null; workflowId: string | null; createdAt: string;
};
interface Failures { items: Failure[]; total: number; byChannel: Record<string, number> }

/** "items 1–20 of 57" under a page of a list, and how to get the next page. */
function pageLine(shown: number, offset: number, total: number): string {
  if (shown === 0) return `${total} in all.`;
  const last = offset + shown;
  return `${offset + 1}–${last} of ${total}${last < total ? ` (next: --offset ${last})` : ''}.`;
}

export function registerNotificationCommands(program: Command, ctx: CliContext) {
  const notification = program.command('notification').description('notifications: your inbox, marking one read, delivery failures (supervisors, admins)');

  notification.command('inbox')
    .description('your inbox, newest first (supervisors and admins: a worker\'s in your scope with --recipient)')
    .option('--unread', 'only unread notifications')
    .option('--kind <kind>', 'only this kind (e.g. session_reminder, task_due, escalation)')
    .option('--recipient <workerId>', "another worker's inbox (supervisors, admins; the worker in your scope)")
    .option('--limit <n>', 'at most this many (1–500)', '20')
    .option('--offset <n>', 'skip this many', '0')
    .action(async (options: { unread?: boolean; kind?: string; recipient?: string; limit: string; offset: string }) => {
      const filter = query({
        unread: options.unread ? 'true' : undefined, kind: options.kind, recipientId: options.recipient,
        limit: wholeNumber('--limit', options.limit), offset: wholeNumber('--offset', options.offset),
      });
      const inbox = await ctx.api().get<Inbox>(`/api/notifications${filter}`);
      ctx.print(inbox, (value: Inbox) => [
        `Inbox of ${value.recipientId}: ${value.unread} unread.`,
        value.items.length === 0 ? 'No notifications.' : table(
          value.items.map((item) => ({ ...item, read: item.readAt ? 'read' : 'unread' })),
          ['id', 'createdAt', 'read', 'kind', 'dueAt', 'subject'], ['id', 'at', 'read', 'kind', 'due', 'subject'],
        ),
        pageLine(value.items.length, Number(options.offset), value.total),
      ].join('\n'));
    });

  notification.command('read')
    .description('mark one of your inbox notifications read')
    .argument('<id>', 'the notification id (from `shegong notification inbox`)')
    .action(async (id: string) => {
      const item = await ctx.api().post<InboxItem>(`/api/notifications/${seg(id)}/read`);
      ctx.print(item, (value: InboxItem) => `Marked ${value.id} read (${value.subject}).`);
    });

  notification.command('failures')
    .description('e-mail and WeCom deliveries to workers in your scope that failed for good, or are being retried (supervisors, admins; the read is audited)')
    .addOption(new Option('--status <status>', 'failed: given up; retrying: the last attempt failed and it will be tried again').choices(['failed', 'retrying']).default('failed'))
    .addOption(new Option('--channel <channel>', 'only this channel').choices(['email', 'wecom']))
    .option('--limit <n>', 'at most this many (1–500)', '50')
    .option('--offset <n>', 'skip this many', '0')
    .action(async (options: { status: string; channel?: string; limit: string; offset: string }) => {
      const filter = query({ status: options.status, channel: options.channel, limit: wholeNumber('--limit', options.limit), offset: wholeNumber('--offset', options.offset) });
      const failures = await ctx.api().get<Failures>(`/api/notifications/failures${filter}`);
      ctx.print(failures, (value: Failures) => [
        value.items.length === 0 ? `No ${options.status} deliveries.` : table(
          value.items,
          ['createdAt', 'channel', 'kind', 'recipientId', 'communityId', 'attempts', 'lastError'], ['at', 'channel', 'kind', 'recipient', 'community', 'attempts', 'error'],
        ),
        `${pageLine(value.items.length, Number(options.offset), value.total)} By channel: ${Object.entries(value.byChannel).map(([channel, count]) => `${channel} ${count}`).join(', ') || 'none'}.`,
      ].join('\n'));
    });
}
