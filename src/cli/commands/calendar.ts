import { type Command } from 'commander';
import { keyValues } from '../output.js';
import { type CliContext } from '../context.js';

// Your calendar feed: a secret iCalendar URL your phone subscribes to (sessions, visits, milestone
// targets, task due dates), made, shown and revoked here.

interface Status { active: boolean; createdAt: string | null; lastReadAt: string | null; workerId: string | null }
interface Created { path: string; url: string | null; createdAt: string }

export function registerCalendarCommands(program: Command, ctx: CliContext) {
  const calendar = program.command('calendar').description('your calendar feed: a secret URL your phone\'s calendar subscribes to');

  calendar.command('link')
    .description('make your calendar feed URL (shown once), revoking any earlier one; needs a token or user linked to a worker')
    .action(async () => {
      const api = ctx.api();
      const created = await api.post<Created>('/api/calendar-feed', {});
      const url = created.url ?? `${api.url}${created.path}`;
      ctx.print({ ...created, url }, () => [
        'Your calendar feed, shown only this once (subscribe to it in your phone\'s calendar; anyone with it can read your schedule):',
        url,
        `webcal: ${url.replace(/^https?:/, 'webcal:')}`,
      ].join('\n'));
    });

  calendar.command('status')
    .description('whether you have an active calendar feed, and when a calendar last read it')
    .action(async () => {
      const status = await ctx.api().get<Status>('/api/calendar-feed');
      ctx.print(status, (value: Status) => keyValues({ active: value.active ? 'yes' : 'no', created: value.createdAt, 'last read': value.lastReadAt, worker: value.workerId }));
    });

  calendar.command('revoke')
    .description('revoke your calendar feed: its URL stops working at once')
    .action(async () => {
      const revoked = await ctx.api().post<{ revoked: boolean }>('/api/calendar-feed/revoke', {});
      ctx.print(revoked, () => 'Calendar feed revoked.');
    });
}
