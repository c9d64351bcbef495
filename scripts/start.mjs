// `npm start`: installs what is missing, then runs the whole service (src/main.ts): a supervisor of
// three processes — the platform (Temporal dev server, the records store migrated and seeded), the
// worker and the API.
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
// main.ts handles SIGINT/SIGTERM itself (and stops its processes in order; they run in process
// groups of their own); the terminal delivers Ctrl-C to main.ts too, so a second one is ignored.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
