// Set-up shared by `npm start` and `npm test`. Plain Node with no dependencies, because it runs
// before node_modules exists.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** Installs npm packages when node_modules is missing or older than package-lock.json. */
export function ensureNodeModules() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const fresh = existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
  if (fresh) return;
  console.error('shegong: installing npm packages (npm ci)...');
  const status = run('npm', ['ci', '--no-audit', '--no-fund']);
  if (status !== 0) {
    console.error('shegong: npm ci failed');
    process.exit(status);
  }
}

/**
 * Runs one of the scripts/install-* scripts, which finds or builds a tool and prints its path on
 * its last line, and returns that path. Throws when the script fails (its own output says why).
 */
export function installedPath(script, what) {
  const result = spawnSync(join(root, 'scripts', script), [], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`could not find or build ${what} (scripts/${script}: see its output above)`);
  const lines = result.stdout.trim().split('\n');
  return lines[lines.length - 1];
}

const findCli = () => installedPath('install-temporal', 'the Temporal CLI');
const findServer = () => installedPath('install-temporal-server', 'the Temporal server');

/** The Temporal CLI: $TEMPORAL_CLI, or what scripts/install-temporal finds or builds. */
export function temporalCliPath() {
  return process.env.TEMPORAL_CLI || findCli();
}

/**
 * The directory holding the Temporal server and its SQL tool (go.temporal.io/server, for the
 * cluster topology: `npm run cluster`, the fault tests, the benchmarks): $TEMPORAL_SERVER_DIR, or
 * what scripts/install-temporal-server finds or builds.
 */
export function temporalServerDir() {
  return process.env.TEMPORAL_SERVER_DIR || findServer();
}

/** For `npm start`, `npm test` and `npm run cluster`: the path, or the process ends with the reason. */
function orExit(find) {
  try {
    return find();
  } catch (error) {
    console.error(`shegong: ${error.message}`);
    process.exit(1);
  }
}

/** Finds or builds the Temporal CLI and returns its path. */
export function ensureTemporalCli() {
  return orExit(findCli);
}

/** Finds or builds the Temporal server and returns the directory holding it (see temporalServerDir). */
export function ensureTemporalServer() {
  return orExit(findServer);
}

export { run };
