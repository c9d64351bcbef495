import { randomBytes } from 'node:crypto';
import { type Command, Option } from 'commander';
import { table } from '../output.js';
import { CliError, EXIT, type ApiClient } from '../client.js';
import { type CliContext, ROLES, seg, type Me, type UserRow } from '../context.js';

type ListedUser = UserRow & { disabled: boolean };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A user named by id or by username, among the users in the caller's scope. */
async function userId(api: ApiClient, user: string): Promise<string> {
  if (UUID.test(user)) return user;
  const { items } = await api.get<{ items: ListedUser[] }>(`/api/users?username=${seg(user)}`);
  if (!items[0]) throw new CliError(EXIT.refused, `no user ${user} in your scope (see \`shegong user list\`)`);
  return items[0].id;
}

export function registerUserCommands(program: Command, ctx: CliContext) {
  const user = program.command('user').description('dashboard users (admins): create, list, disable, enable, reset a password, unlock, end sessions');

  user.command('create')
    .description('create a dashboard user; without --password a random one is generated and printed once')
    .requiredOption('--username <username>', 'the sign-in name')
    .requiredOption('--name <displayName>', 'the name shown on the dashboard')
    .addOption(new Option('--role <role>', 'the role the user acts with').choices(ROLES).makeOptionMandatory())
    .option('--scope <orgUnitId>', 'the org unit the role is scoped to (default: your own scope)')
    .option('--worker <workerId>', 'the worker the user is: escalations and the inbox reach a user through it (required for station_lead and social_worker)')
    .option('--password <password>', 'at least 12 characters; prefer the generated one (shell history keeps this)')
    .addOption(new Option('--locale <locale>', 'the dashboard language').choices(['zh-CN', 'en']))
    .action(async (options: { username: string; name: string; role: string; scope?: string; worker?: string; password?: string; locale?: string }) => {
      const api = ctx.api();
      const scopeId = options.scope ?? (await api.get<Me>('/api/me')).scope.id;
      const password = options.password ?? randomBytes(12).toString('base64url');
      const created = await api.post<UserRow>('/api/users', {
        username: options.username, displayName: options.name, password, role: options.role, scopeId,
        ...(options.worker ? { workerId: options.worker } : {}),
        ...(options.locale ? { locale: options.locale } : {}),
      });
      const shown = options.password ? created : { ...created, password };
      ctx.print(shown, (value: typeof shown) => [
        `Created user ${value.username} (${value.role} at ${value.scopeId}).`,
        ...(options.password ? [] : ['Generated password, shown only this once:', password]),
      ].join('\n'));
      // Escalations and the inbox are addressed to workers: a user tied to none never gets them.
      if (!options.worker) ctx.io.stderr('Note: no --worker given, so escalations and the inbox will not reach this user.\n');
    });

  user.command('list')
    .description('list dashboard users in your scope (never their passwords)')
    .action(async () => {
      const { items } = await ctx.api().get<{ items: ListedUser[] }>('/api/users');
      ctx.print({ items }, () => table(items.map((row) => ({ ...row, status: row.disabled ? 'disabled' : 'active' })),
        ['username', 'displayName', 'role', 'scopeId', 'workerId', 'status', 'lockedUntil', 'lastSignInAt'],
        ['username', 'name', 'role', 'scope', 'worker', 'status', 'locked until', 'last sign-in']));
    });

  user.command('disable')
    .description('disable a user: they cannot sign in, and their sessions end now')
    .argument('<user>', 'username or user id')
    .action(async (name: string) => {
      const api = ctx.api();
      const result = await api.post<ListedUser & { endedSessions: number }>(`/api/users/${seg(await userId(api, name))}/disable`);
      ctx.print(result, (value: typeof result) => `Disabled ${value.username}; ${value.endedSessions} session(s) ended.`);
    });

  user.command('enable')
    .description('enable a disabled user again')
    .argument('<user>', 'username or user id')
    .action(async (name: string) => {
      const api = ctx.api();
      const result = await api.post<ListedUser>(`/api/users/${seg(await userId(api, name))}/enable`);
      ctx.print(result, (value: typeof result) => `Enabled ${value.username}.`);
    });

  user.command('reset-password')
    .description("reset a user's password to a generated one, printed once; lifts their lock and ends their sessions; they must change it at their next sign-in")
    .argument('<user>', 'username or user id')
    .action(async (name: string) => {
      const api = ctx.api();
      const result = await api.post<{ user: ListedUser; password: string; endedSessions: number }>(`/api/users/${seg(await userId(api, name))}/reset-password`);
      ctx.print(result, (value: typeof result) => [
        `Reset the password of ${value.user.username}; ${value.endedSessions} session(s) ended. They must change it when they next sign in.`,
        'New password, shown only this once:',
        value.password,
      ].join('\n'));
    });

  user.command('unlock')
    .description('lift a lock left by failed sign-ins')
    .argument('<user>', 'username or user id')
    .action(async (name: string) => {
      const api = ctx.api();
      const result = await api.post<ListedUser>(`/api/users/${seg(await userId(api, name))}/unlock`);
      ctx.print(result, (value: typeof result) => `Unlocked ${value.username}.`);
    });

  const sessions = user.command('sessions').description("a user's dashboard sessions");
  sessions.command('end')
    .description("end a user's sessions: they must sign in again")
    .argument('<user>', 'username or user id')
    .action(async (name: string) => {
      const api = ctx.api();
      const result = await api.post<{ userId: string; endedSessions: number }>(`/api/users/${seg(await userId(api, name))}/sessions/end`);
      ctx.print(result, (value: typeof result) => `Ended ${value.endedSessions} session(s) of ${name}.`);
    });
}
