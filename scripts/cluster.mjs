// `npm run cluster`: installs what is missing (npm packages, the Temporal server built from its Go
// module), then runs src/cluster.ts: the Temporal server on PostgreSQL, two workers and the API as
// separate processes. See docs/deployment.md.
import { spawn } from 'node:child_process';
import { ensureNodeModules, ensureTemporalServer, root } from './lib/ensure.mjs';
import { ensureWebBuild } from './lib/web.mjs';

ensureNodeModules();
const temporalServerDir = ensureTemporalServer();
ensureWebBuild();
const child = spawn(process.execPath, ['--import', 'tsx', 'src/cluster.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TEMPORAL_SERVER_DIR: temporalServerDir },
});
// src/cluster.ts handles SIGINT/SIGTERM itself (stopping its processes in order); the terminal
// delivers Ctrl-C to it directly, so we only forward signals sent to this process alone.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
