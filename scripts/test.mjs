// `npm test`: installs what is missing (npm packages, the Temporal CLI, the Temporal server for
// the cluster tests), then typecheck, lint and the whole vitest suite. The suite's global setup
// starts one Temporal dev server for the run and stops it at the end.
import { spawn } from 'node:child_process';
import { ensureNodeModules, ensureTemporalCli, ensureTemporalServer, run } from './lib/ensure.mjs';
import { ensurePdftotext } from './lib/poppler.mjs';
import { ensureChromium, ensureWebBuild } from './lib/web.mjs';

ensureNodeModules();
const temporalCli = ensureTemporalCli();
// The cluster's server (test/cluster/ runs the fault tests against it): built once, like the CLI.
const temporalServerDir = ensureTemporalServer();
ensureWebBuild();
ensureChromium();
ensurePdftotext();
const env = { ...process.env, TEMPORAL_CLI: temporalCli, TEMPORAL_SERVER_DIR: temporalServerDir };
const extra = process.argv.slice(2);

// The checks read the sources only, so they run side by side (two cores): their output is held and
// printed whole when each ends. Then the suite.
const checks = [
  ['typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
  ['typecheck web', 'npx', ['tsc', '--noEmit', '-p', 'web/tsconfig.json']],
  ['lint', 'npx', ['eslint', '--max-warnings', '0', '.']],
];

function check([name, command, args]) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('error', (error) => resolve({ name, status: 1, output: `${output}${error.message}\n` }));
    child.on('close', (code) => resolve({ name, status: code ?? 1, output }));
  });
}

if (extra.length === 0) { // `npm test -- file` runs just that file
  console.error(`\nshegong test: ${checks.map(([name]) => name).join(', ')}`);
  const results = await Promise.all(checks.map(check));
  let failed = 0;
  for (const { name, status, output } of results) {
    if (output) process.stderr.write(output);
    if (status !== 0) {
      console.error(`shegong test: ${name} failed`);
      failed = failed || status;
    }
  }
  if (failed) process.exit(failed);
}
console.error('\nshegong test: tests');
const status = run('npx', ['vitest', 'run', ...extra], { env });
if (status !== 0) {
  console.error('shegong test: tests failed');
  process.exit(status);
}
