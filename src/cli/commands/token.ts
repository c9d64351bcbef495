import { type Command, Option } from 'commander';
import { table } from '../output.js';
import { type CliContext, seg, ROLES, type Me, type TokenRow } from '../context.js';
export function registerTokenCommands(program: Command, ctx: CliContext) {
  const token = program.command('token').description('API tokens (admins): create, list, revoke');

  token.command('create')
    .description('create a token; it is printed once and stored only as a hash')
    .addOption(new Option('--role <role>', 'the role the token acts with').choices(ROLES).makeOptionMandatory())
    .requiredOption('--name <name>', 'who or what uses the token, e.g. "center supervisor"')
    .option('--scope <orgUnitId>', 'the org unit the role is scoped to (default: your own scope)')
    .option('--worker <workerId>', 'the worker the token acts for (required for station_lead and social_worker)')
    .option('--expires <instant>', 'expiry as an ISO instant with offset, e.g. 2027-01-01T00:00:00+08:00')
    .action(async (options: { role: string; name: string; scope?: string; worker?: string; expires?: string }) => {
      const api = ctx.api();
      const scopeId = options.scope ?? (await api.get<Me>('/api/me')).scope.id;
      const created = await api.post<{ id: string; token: string }>('/api/tokens', {
        name: options.name, role: options.role, scopeId,
        ...(options.worker ? { workerId: options.worker } : {}),
        ...(options.expires ? { expiresAt: options.expires } : {}),
      });
      ctx.print({ ...created, role: options.role, scopeId }, (value: typeof created) => [
        `Created token ${value.id} (${options.role} at ${scopeId}).`,
        'It is shown only this once; keep it secret:',
        value.token,
      ].join('\n'));
    });

  token.command('list')
    .description('list tokens (never their secrets)')
    .action(async () => {
      const { items } = await ctx.api().get<{ items: TokenRow[] }>('/api/tokens');
      const now = Date.now();
      ctx.print({ items }, () => table(items.map((row) => ({
        ...row,
        status: row.revokedAt ? 'revoked' : row.expiresAt && Date.parse(row.expiresAt) <= now ? 'expired' : 'active',
      })), ['id', 'name', 'role', 'scopeId', 'workerId', 'status', 'expiresAt', 'lastUsedAt'], ['id', 'name', 'role', 'scope', 'worker', 'status', 'expires', 'last used']));
    });

  token.command('revoke')
    .description('revoke a token; requests with it fail from now on')
    .argument('<id>', 'the token id (from `shegong token list`)')
    .action(async (id: string) => {
      const result = await ctx.api().post<{ id: string; revokedAt: string }>(`/api/tokens/${seg(id)}/revoke`);
      ctx.print(result, (value: typeof result) => `Revoked token ${value.id} at ${value.revokedAt}.`);
    });
}
