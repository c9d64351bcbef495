// `npm start`: installs what is missing, then runs the whole service (src/main.ts), which starts
// the Temporal dev server, migrates and seeds the records store, and runs the worker and the API.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureNodeModules, ensureTemporalCli, root } from './lib/ensure.mjs';
import { ensureWebBuild } from './lib/web.mjs';

ensureNodeModules();
const temporalCli = ensureTemporalCli();
ensureWebBuild();

const child = spawn(
  process.execPath,
  ['--import', 'tsx', join(root, 'src', 'main.ts'), ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, TEMPORAL_CLI: temporalCli } },
);
// main.ts handles SIGINT/SIGTERM itself; the terminal delivers Ctrl-C to the whole group, so we
// only forward signals sent to this process alone (for example by a process manager).
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
