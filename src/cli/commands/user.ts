import { randomBytes } from 'node:crypto';
import { type Command, Option } from 'commander';
import { table } from '../output.js';
import { type CliContext, ROLES, type Me, type UserRow } from '../context.js';
export function registerUserCommands(program: Command, ctx: CliContext) {
  const user = program.command('user').description('dashboard users (admins): create, list');

  user.command('create')
    .description('create a dashboard user; without --password a random one is generated and printed once')
    .requiredOption('--username <username>', 'the sign-in name')
    .requiredOption('--name <displayName>', 'the name shown on the dashboard')
    .addOption(new Option('--role <role>', 'the role the user acts with').choices(ROLES).makeOptionMandatory())
    .option('--scope <orgUnitId>', 'the org unit the role is scoped to (default: your own scope)')
    .option('--worker <workerId>', 'the worker the user is (required for station_lead and social_worker)')
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
    });

  user.command('list')
    .description('list dashboard users (never their passwords)')
    .action(async () => {
      const { items } = await ctx.api().get<{ items: UserRow[] }>('/api/users');
      ctx.print({ items }, () => table(items, ['username', 'displayName', 'role', 'scopeId', 'workerId', 'lockedUntil', 'lastSignInAt'], ['username', 'name', 'role', 'scope', 'worker', 'locked until', 'last sign-in']));
    });
}
