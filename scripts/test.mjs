// `npm test`: installs what is missing (npm packages, the Temporal CLI, the Temporal server for
// the cluster tests, the dashboard's build, Chromium, pdftotext), then the whole vitest suite with
// typecheck and lint beside it. The suite's global setup starts one Temporal dev server for the
// run and stops it at the end.
import { spawn } from 'node:child_process';
import { ensureNodeModules, ensureTemporalCli, ensureTemporalServer } from './lib/ensure.mjs';
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

// The checks read the sources only, so they run beside the suite, each under `nice -n 19`: the
// suite's parallel group keeps both cores busy and leaves them next to nothing, and they take the
// CPU the serial group leaves idle while its files wait on timers (about a minute saved on two
// cores). Their output is held and printed whole after the suite; `npm run typecheck`,
// `npm run typecheck:web` and `npm run lint` give it at once.
const checks = [
  ['typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
  ['typecheck web', 'npx', ['tsc', '--noEmit', '-p', 'web/tsconfig.json']],
  ['lint', 'npx', ['eslint', '--max-warnings', '0', '.']],
];

function spawned(command, args, { quiet = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    child.stdout?.on('data', (chunk) => { output += chunk; });
    child.stderr?.on('data', (chunk) => { output += chunk; });
    child.on('error', (error) => resolve({ status: 1, output: `${output}${error.message}\n` }));
    child.on('close', (code) => resolve({ status: code ?? 1, output }));
  });
}

const niced = ([name, command, args]) => spawned('nice', ['-n', '19', command, ...args], { quiet: true }).then((result) => ({ name, ...result }));

// `npm test -- file` runs just that file, without the checks.
const checking = extra.length === 0 ? Promise.all(checks.map(niced)) : Promise.resolve([]);
if (extra.length === 0) console.error(`\nshegong test: ${checks.map(([name]) => name).join(', ')} (beside the tests, at the lowest CPU priority)`);
console.error('\nshegong test: tests');
const suite = await spawned('npx', ['vitest', 'run', ...extra]);
const failed = suite.status !== 0 ? ['tests'] : [];
for (const { name, status, output } of await checking) {
  if (output) process.stderr.write(`\nshegong test: ${name}\n${output}`);
  if (status !== 0) failed.push(name);
}
if (failed.length > 0) {
  console.error(`shegong test: failed: ${failed.join(', ')}`);
  process.exit(1);
}
