import { type Command } from 'commander';
import { CliError, EXIT, usageError } from '../client.js';
import { describe, keyValues } from '../output.js';
import { type CliContext, type Me } from '../context.js';
interface Session {
  principal: { name: string; role: string; scopeId: string; workerId: string | null };
  user: { username: string } | null;
  scope: Me['scope'] | null;
  temporalUi: { baseUrl: string; namespace: string } | null;
}

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

  program.command('session')
    .description('who the API takes you for: your role, scope and worker, the dashboard user if any, and (admins) where the Temporal UI is')
    .action(async () => {
      const session = await ctx.api().get<Session>('/api/auth/session');
      ctx.print(session, (value: Session) => keyValues({
        name: value.principal.name,
        role: value.principal.role,
        scope: value.scope ? `${value.scope.id} (${value.scope.kind}: ${value.scope.name.zh} ${value.scope.name.en})` : value.principal.scopeId,
        worker: value.principal.workerId,
        user: value.user ? value.user.username : null,
        'temporal ui': value.temporalUi ? `${value.temporalUi.baseUrl}/namespaces/${value.temporalUi.namespace}/workflows` : null,
      }));
    });

  program.command('password')
    .description('change your own dashboard password: signs in with the current one, sets the new one and signs out; your other sessions end')
    .requiredOption('--username <username>', 'your dashboard sign-in name')
    .addHelpText('after', `
Passwords come from the environment, never from arguments (shell history keeps those):
  SHEGONG_PASSWORD      your current password
  SHEGONG_NEW_PASSWORD  the new one: at least 12 characters, 6 of them different, without your username`)
    .action(async (options: { username: string }) => {
      const current = ctx.io.env.SHEGONG_PASSWORD;
      const next = ctx.io.env.SHEGONG_NEW_PASSWORD;
      if (!current || !next) throw usageError('set SHEGONG_PASSWORD (your current password) and SHEGONG_NEW_PASSWORD (the new one)');
      const api = ctx.api();
      // A dashboard session for this one change: the session cookie from the sign-in, and its CSRF token.
      let cookie = '';
      const signedIn = await api.request<{ csrfToken: string }>('POST', '/api/auth/login', { username: options.username, password: current }, {
        auth: false,
        onHeaders: (headers) => {
          cookie = headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
        },
      });
      const headers = { cookie, 'x-csrf-token': signedIn.csrfToken };
      try {
        const changed = await api.request<{ user: { username: string }; endedSessions: number }>(
          'POST', '/api/auth/password', { currentPassword: current, newPassword: next }, { auth: false, headers },
        );
        ctx.print(changed, (value: typeof changed) => `Changed the password of ${value.user.username}; ${value.endedSessions} other session(s) ended.`);
      } finally {
        await api.request('POST', '/api/auth/logout', {}, { auth: false, headers }).catch(() => undefined);
      }
    });

  program.command('health')
    .description('check that the API, Temporal and the records store are up (exit 3 if not)')
    .action(async () => {
      const health = await ctx.api().request<{ status: string }>('GET', '/healthz', undefined, { auth: false });
      ctx.print(health, describe);
      if (health.status !== 'ok') throw new CliError(EXIT.unavailable, `the service is ${health.status}`);
    });
}
