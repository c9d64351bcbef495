import { type Command } from 'commander';
import { CliError, EXIT } from '../client.js';
import { describe, keyValues } from '../output.js';
import { type CliContext, type Me } from '../context.js';
export function registerAccountCommands(program: Command, ctx: CliContext) {
  program.command('whoami')
    .description("show the token's role, scope and worker")
    .action(async () => {
      const me = await ctx.api().get<Me>('/api/me');
      ctx.print(me, (value: Me) => keyValues({
        name: value.name,
        role: value.role,
        scope: `${value.scope.id} (${value.scope.kind}: ${value.scope.name.zh} ${value.scope.name.en})`,
        worker: value.worker ? `${value.worker.id} ${value.worker.name}` : null,
        token: value.tokenId,
      }));
    });

  program.command('health')
    .description('check that the API, Temporal and the records store are up (exit 3 if not)')
    .action(async () => {
      const health = await ctx.api().request<{ status: string }>('GET', '/healthz', undefined, { auth: false });
      ctx.print(health, describe);
      if (health.status !== 'ok') throw new CliError(EXIT.unavailable, `the service is ${health.status}`);
    });
}
