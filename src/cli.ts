// `shegong`: the command line for admins, supervisors and scripts. It talks only to the HTTP API
// (SHEGONG_URL, SHEGONG_TOKEN), so it works the same against a laptop and a remote deployment.
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { ApiClient, CliError, EXIT, type ExitCode } from './cli/client.js';
import { COMMAND_AREAS } from './cli/commands/index.js';
import { DEFAULT_URL, type CliContext, type CliIo } from './cli/context.js';

export { DEFAULT_URL, type CliContext, type CliIo };


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

  for (const register of COMMAND_AREAS) register(program, ctx);
  return program;
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
