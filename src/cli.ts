// `shegong`: the command line for admins, supervisors and scripts. It talks only to the HTTP API
// (SHEGONG_URL, SHEGONG_TOKEN), so it works the same against a laptop and a remote deployment.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Argument, Command, CommanderError, Option } from 'commander';
import { ApiClient, CliError, EXIT, type ExitCode, usageError } from './cli/client.js';
import { describe, keyValues, table } from './cli/output.js';

export const DEFAULT_URL = 'http://127.0.0.1:3000';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export interface CliContext {
  io: CliIo;
  /** Whether --json was given: print the API's JSON answers as they are, for scripts. */
  json(): boolean;
  /** A client for SHEGONG_URL / --url with SHEGONG_TOKEN / --token. */
  api(): ApiClient;
  /** Prints an answer: JSON with --json, else the readable text. */
  print(value: unknown, readable?: (value: never) => string): void;
}

const HELP_AFTER = `
Environment:
  SHEGONG_URL    the API to talk to (default ${DEFAULT_URL}); --url overrides it
  SHEGONG_TOKEN  a bearer token (an admin makes one with \`shegong token create\`); --token overrides it

Exit codes:
  0  done
  1  the API refused the request (4xx: invalid input, no permission, not found, conflict)
  2  usage error: unknown command, bad or missing argument, unreadable file; nothing was sent
  3  the API is unreachable or failed (5xx: Temporal or the records store down); retrying may help

With --json every answer (and every error, as { "error": { "code", "message", "details" } }) is
printed to stdout as JSON; without it, tables and messages for people.`;

const seg = (value: string) => encodeURIComponent(value);

/** Builds the program; `user` and other areas add their commands in their own register functions. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command('shegong')
    .description('Shegong (社工): station plans, training cycles and station rollout, from the command line')
    .version('0.1.0')
    .option('--url <url>', `the API base URL (env SHEGONG_URL, default ${DEFAULT_URL})`)
    .option('--token <token>', 'bearer token (env SHEGONG_TOKEN)')
    .option('--json', 'print JSON answers, for scripts')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: ctx.io.stdout, writeErr: ctx.io.stderr })
    .addHelpText('after', HELP_AFTER);

  registerAccountCommands(program, ctx);
  registerDirectoryCommands(program, ctx);
  registerTokenCommands(program, ctx);
  registerUserCommands(program, ctx);
  registerCycleCommands(program, ctx);
  registerPlanCommands(program, ctx);
  registerRolloutCommands(program, ctx);
  return program;
}

function registerAccountCommands(program: Command, ctx: CliContext) {
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

function registerDirectoryCommands(program: Command, ctx: CliContext) {
  program.command('seed')
    .description('load the default data (Zhanlanlu Street); safe to repeat, never overwrites edits')
    .option('--today <date>', 'the date recorded with the seed, YYYY-MM-DD (default: today in Asia/Shanghai)')
    .action(async (options: { today?: string }) => {
      const result = await ctx.api().post<{ alreadyLoaded: boolean; today: string }>('/api/admin/seed', options.today ? { today: options.today } : {});
      ctx.print(result, (value: typeof result) => (value.alreadyLoaded
        ? 'The default data was already loaded; anything missing was added, nothing was overwritten.'
        : `Loaded the default data (Zhanlanlu Street, ${value.today}).`));
    });

  program.command('import')
    .description('import communities or workers from a .csv file (header row) or a .json array; all or nothing')
    .addArgument(new Argument('<kind>', 'what the file holds').choices(['communities', 'workers']))
    .argument('<file>', 'a .csv or .json file')
    .addHelpText('after', `
Every bad row is listed by line and field, and nothing is imported (exit 1).
CSV columns, communities: id,streetId,nameZh,nameEn[,isPlaceholder,hasStation]
CSV columns, workers:     id,orgUnitId,communityId,name,position[,email,phone,locale,channels,wecomWebhookUrl]
                          (channels separated by ";", e.g. inbox;email)`)
    .action(async (kind: 'communities' | 'workers', file: string) => {
      const body = await readImportFile(file);
      const result = await ctx.api().post<{ imported: number; ids: string[] }>(`/api/${kind}`, body);
      ctx.print(result, (value: typeof result) => `Imported ${value.imported} ${kind}: ${value.ids.join(', ')}`);
    });
}

async function readImportFile(file: string): Promise<unknown> {
  const text = await readText(file);
  switch (extname(file).toLowerCase()) {
    case '.csv':
      return { csv: text };
    case '.json': {
      const value = parseJson(file, text);
      if (Array.isArray(value) || (value !== null && typeof value === 'object')) return value;
      throw usageError(`${file}: expected a JSON array of records`);
    }
    default:
      throw usageError(`${file}: expected a .csv or .json file`);
  }
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw usageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

const ROLES = ['admin', 'supervisor', 'station_lead', 'social_worker', 'viewer'];

interface Me {
  tokenId: string;
  name: string;
  role: string;
  scope: { id: string; kind: string; name: { zh: string; en: string } };
  worker: { id: string; name: string } | null;
}

interface TokenRow {
  id: string;
  name: string;
  role: string;
  scopeId: string;
  workerId: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

function registerTokenCommands(program: Command, ctx: CliContext) {
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

type UserRow = {
  id: string;
  username: string;
  displayName: string;
  role: string;
  scopeId: string;
  workerId: string | null;
  lockedUntil: string | null;
  lastSignInAt: string | null;
};

function registerUserCommands(program: Command, ctx: CliContext) {
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

function registerCycleCommands(program: Command, ctx: CliContext) {
  const cycle = program.command('cycle').description('training cycles: launch, list, status, cancel');

  cycle.command('launch')
    .description('launch a training cycle from a JSON file (cohort, sessions, assessment, reminder policy); every problem is listed')
    .argument('<file>', 'a .json file with the POST /api/training-cycles body (see /docs for an example)')
    .action(async (file: string) => {
      const body = parseJson(file, await readText(file));
      const launched = await ctx.api().post<{ id: string; workflowId: string; sessions: number; enrolled: number }>('/api/training-cycles', body);
      ctx.print(launched, (value: typeof launched) => `Launched training cycle ${value.id} (workflow ${value.workflowId}): ${value.sessions} sessions, ${value.enrolled} workers enrolled.`);
    });

  cycle.command('list')
    .description('training cycles you can see, newest first')
    .action(async () => {
      const { items } = await ctx.api().get<{ items: Array<Record<string, unknown>> }>('/api/training-cycles');
      ctx.print({ items }, () => (items.length === 0 ? 'No training cycles.' : table(items, ['id', 'name', 'status', 'sessions', 'participants', 'createdAt', 'endedAt'])));
    });

  cycle.command('status')
    .description("a training cycle's sessions, attendance and progress")
    .argument('<id>', 'the cycle id')
    .action(async (id: string) => {
      ctx.print(await ctx.api().get(`/api/training-cycles/${seg(id)}`), describe);
    });

  cycle.command('cancel')
    .description("cancel a running training cycle; every worker's reminders stop")
    .argument('<id>', 'the cycle id')
    .requiredOption('--reason <text>', 'why; recorded with the cancellation')
    .action(async (id: string, options: { reason: string }) => {
      const result = await ctx.api().post<{ cycleId: string; laddersSignalled: number }>(`/api/training-cycles/${seg(id)}/cancel`, { reason: options.reason });
      ctx.print(result, (value: typeof result) => `Cancelled training cycle ${value.cycleId}; ${value.laddersSignalled} workers' ladders were told.`);
    });
}

interface PlanView {
  planId: string;
  communityId: string;
  status: string;
  currentStage: string | null;
  startedOn: string;
  stages: Array<{ stage: string; status: string; startedAt: string | null; signedOffAt: string | null }>;
  tasks: Array<{ id: string; stage: string; title: { zh: string; en: string }; required: boolean; status: string; dueAt: string | null; completedAt: string | null }>;
}

interface BulkStart {
  items: Array<{ communityId: string; outcome: 'started' | 'already_running' | 'failed'; workflowId: string; error?: string }>;
  started: number;
  alreadyRunning: number;
  failed: number;
}

function registerPlanCommands(program: Command, ctx: CliContext) {
  const plan = program.command('plan').description("stations' three-stage plans (guide → support → supervise)");

  plan.command('start')
    .description("start a station's plan, or with --all every operating station's in your scope (running plans are left alone)")
    .argument('[community]', 'the community id')
    .option('--all', 'every community in your scope with an operating station')
    .option('--street <streetId>', 'with --all: only this street')
    .option('--started-on <date>', 'the start date, YYYY-MM-DD (default: today in Asia/Shanghai)')
    .action(async (community: string | undefined, options: { all?: boolean; street?: string; startedOn?: string }) => {
      if (Boolean(community) === Boolean(options.all)) throw usageError('give a community id or --all, not both');
      if (options.street && !options.all) throw usageError('--street goes with --all');
      const startedOn = options.startedOn ? { startedOn: options.startedOn } : {};
      if (community) {
        const started = await ctx.api().post<Record<string, unknown>>(`/api/stations/${seg(community)}/plan`, startedOn);
        ctx.print(started, (value: typeof started) => `Started the plan of ${community}: ${String(value.planId)} (workflow ${String(value.workflowId)}).`);
        return;
      }
      const result = await ctx.api().post<BulkStart>('/api/stations/plans', { ...startedOn, ...(options.street ? { streetId: options.street } : {}) });
      ctx.print(result, (value: BulkStart) => [
        value.items.length === 0 ? 'No operating stations in your scope.' : table(value.items.map((item) => ({ ...item, outcome: item.outcome.replace('_', ' ') })), ['communityId', 'outcome', 'workflowId', 'error'], ['community', 'outcome', 'workflow', 'error']),
        `${value.started} started, ${value.alreadyRunning} already running, ${value.failed} failed.`,
      ].join('\n'));
      // Plans already running are what --all wants to end up with; only failures fail the command.
      if (result.failed > 0) throw new CliError(EXIT.refused, `${result.failed} plan(s) could not be started`);
    });

  plan.command('status')
    .description("a station's plan: stages, tasks, sign-offs")
    .argument('<community>', 'the community id')
    .action(async (community: string) => {
      const view = await ctx.api().get<PlanView>(`/api/stations/${seg(community)}/plan`);
      ctx.print(view, (value: PlanView) => [
        keyValues({ community: value.communityId, plan: value.planId, status: value.status, stage: value.currentStage, startedOn: value.startedOn }),
        '',
        table(value.stages, ['stage', 'status', 'startedAt', 'signedOffAt'], ['stage', 'status', 'started', 'signed off']),
        '',
        table(value.tasks.map((task) => ({ ...task, title: task.title.zh, required: task.required ? 'yes' : 'no' })),
          ['id', 'stage', 'status', 'required', 'dueAt', 'title'], ['task', 'stage', 'status', 'required', 'due', 'title']),
      ].join('\n'));
    });
}

interface Coverage {
  asOf: string;
  total: number;
  operating: number;
  remaining: number;
  inRollout: number;
  projectedFullCoverage: string | null;
  targetFullCoverage: string | null;
  calendar: { note: string | null };
  communities: Array<{
    communityId: string;
    name: { zh: string; en: string };
    station: string;
    openedOn: string | null;
    rollout: { health: string; currentMilestone: string | null; projectedOpening: string } | null;
  }>;
}

function registerRolloutCommands(program: Command, ctx: CliContext) {
  program.command('rollout')
    .description('station rollout to every community')
    .command('status')
    .description("coverage (operating / all communities) and each community's station or rollout")
    .option('--street <streetId>', 'only this street')
    .action(async (options: { street?: string }) => {
      const coverage = await ctx.api().get<Coverage>(`/api/rollout${options.street ? `?streetId=${seg(options.street)}` : ''}`);
      ctx.print(coverage, (value: Coverage) => [
        `Coverage on ${value.asOf}: ${value.operating} / ${value.total} communities have an operating station; ${value.inRollout} in rollout, ${value.remaining} remaining.`,
        `Full coverage: projected ${value.projectedFullCoverage ?? '-'}, target ${value.targetFullCoverage ?? '-'}.`,
        ...(value.calendar.note ? [`Calendar: ${value.calendar.note}`] : []),
        '',
        table(value.communities.map((c) => ({
          community: c.communityId, name: c.name.zh, station: c.station, openedOn: c.openedOn,
          milestone: c.rollout?.currentMilestone, health: c.rollout?.health, projected: c.rollout?.projectedOpening,
        })), ['community', 'name', 'station', 'openedOn', 'milestone', 'health', 'projected'], ['community', 'name', 'station', 'opened', 'milestone', 'health', 'projected opening']),
      ].join('\n'));
    });

  program.command('digest')
    .description("leadership's weekly digest")
    .command('run')
    .description('send the digest now, through its schedule, instead of waiting for Monday')
    .option('--street <streetId>', 'only this street (default: every street in your scope)')
    .action(async (options: { street?: string }) => {
      const result = await ctx.api().post<{ triggered: Array<{ streetId: string; scheduleId: string }> }>('/api/digest/run', options.street ? { streetId: options.street } : {});
      ctx.print(result, (value: typeof result) => value.triggered.map((t) => `Digest triggered for ${t.streetId} (schedule ${t.scheduleId}).`).join('\n'));
    });
}

/** Runs one command line; returns the exit code instead of exiting, so tests can call it in-process. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  // The context reads the global options from the program it is handed to, once parsing has run.
  const built: { program?: Command } = {};
  const json = () => Boolean(built.program?.opts().json);
  const ctx: CliContext = {
    io,
    json,
    api: () => {
      const options = built.program!.opts<{ url?: string; token?: string }>();
      return new ApiClient({
        url: options.url ?? (io.env.SHEGONG_URL || DEFAULT_URL),
        token: options.token ?? (io.env.SHEGONG_TOKEN || undefined),
      });
    },
    print: (value, readable) => {
      io.stdout(`${json() || !readable ? JSON.stringify(value, null, 2) : readable(value as never)}\n`);
    },
  };
  const program = buildProgram(ctx);
  built.program = program;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version "errors" are commander's way to stop after printing them.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliError) {
      reportError(error, json(), io);
      return error.exitCode;
    }
    io.stderr(`shegong: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.unavailable;
  }
}

function reportError(error: CliError, json: boolean, io: CliIo) {
  if (json) {
    const body = error.apiError ?? { code: error.exitCode === EXIT.usage ? 'usage' : 'unavailable', message: error.message };
    io.stdout(`${JSON.stringify({ error: body, ...(error.status ? { status: error.status } : {}) }, null, 2)}\n`);
    return;
  }
  const lines = [`shegong: ${error.message}`];
  const details = error.apiError?.details;
  if (Array.isArray(details)) {
    for (const detail of details as Array<{ line?: number; field?: string; path?: string; message?: string }>) {
      const where = detail.line !== undefined && detail.field !== undefined ? `line ${detail.line}, field ${detail.field}` : detail.path ?? '';
      lines.push(`  ${where}: ${detail.message ?? ''}`);
    }
  }
  io.stderr(`${lines.join('\n')}\n`);
}

/** The process entry: bin/shegong.mjs and `tsx src/cli.ts` both end here. */
export async function main(): Promise<void> {
  process.exitCode = await runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
