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

/** Finds or builds the Temporal CLI and returns its path. */
export function ensureTemporalCli() {
  const result = spawnSync(join(root, 'scripts', 'install-temporal'), [], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error('shegong: could not find or build the Temporal CLI (see above)');
    process.exit(result.status ?? 1);
  }
  const lines = result.stdout.trim().split('\n');
  return lines[lines.length - 1];
}

/**
 * Finds or builds the Temporal server and its SQL tool (go.temporal.io/server, for the cluster
 * topology: `npm run cluster` and the fault tests) and returns the directory holding them.
 */
export function ensureTemporalServer() {
  const result = spawnSync(join(root, 'scripts', 'install-temporal-server'), [], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error('shegong: could not find or build the Temporal server (see above)');
    process.exit(result.status ?? 1);
  }
  const lines = result.stdout.trim().split('\n');
  return lines[lines.length - 1];
}

export { run };
