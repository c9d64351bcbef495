import { type Command } from 'commander';
import { cellText, table } from '../output.js';
import { type CliContext, query, wholeNumber } from '../context.js';

// The audit log (admins): who did what to which record, newest first, limited to actors scoped
// inside the caller's subtree. Entries may hold other people's data, so reading them is audited too.

interface Entry {
  id: string; at: string; actor: string; actorId: string | null; scopeId: string | null;
  action: string; entity: string; entityId: string; before: unknown; after: unknown; requestId: string | null;
}

export function registerAuditCommands(program: Command, ctx: CliContext) {
  const audit = program.command('audit').description('the audit log (admins): who did what, newest first');

  audit.command('list')
    .description('audit entries of actors scoped inside your subtree, newest first, filtered (the read is audited)')
    .option('--actor <name>', 'only this actor (a token or user name)')
    .option('--action <action>', 'only this action (e.g. create, read, revoke, sign_in, cancel)')
    .option('--entity <entity>', 'only this kind of record (e.g. api_token, user, station_plan, or a route for reads: /api/workers/:workerId)')
    .option('--entity-id <id>', 'only this record')
    .option('--scope <orgUnitId>', 'only actors scoped inside this org unit (within your own)')
    .option('--since <instant>', 'from this instant, ISO 8601 with an offset (2026-12-01T00:00:00+08:00)')
    .option('--until <instant>', 'before this instant, ISO 8601 with an offset')
    .option('--limit <n>', 'at most this many (1–500)', '50')
    .option('--offset <n>', 'skip this many', '0')
    .option('--changes', 'show each entry\'s before and after values')
    .action(async (options: {
      actor?: string; action?: string; entity?: string; entityId?: string; scope?: string; since?: string; until?: string; limit: string; offset: string; changes?: boolean;
    }) => {
      const limit = wholeNumber('--limit', options.limit);
      const offset = wholeNumber('--offset', options.offset);
      const filter = query({
        actor: options.actor, action: options.action, entity: options.entity, entityId: options.entityId, scopeId: options.scope,
        since: options.since, until: options.until, limit, offset,
      });
      const log = await ctx.api().get<{ items: Entry[] }>(`/api/audit${filter}`);
      ctx.print(log, (value: typeof log) => {
        if (value.items.length === 0) return 'No audit entries.';
        const columns = ['at', 'actor', 'scopeId', 'action', 'entity', 'entityId', ...(options.changes ? ['before', 'after'] : [])];
        const rows = value.items.map((entry) => ({ ...entry, before: cellText(entry.before), after: cellText(entry.after) }));
        const more = value.items.length === Number(limit) ? `\nMore may follow: --offset ${Number(offset) + value.items.length}.` : '';
        return `${table(rows, columns, ['at', 'actor', 'scope', 'action', 'entity', 'id', ...(options.changes ? ['before', 'after'] : [])])}${more}`;
      });
    });
}
