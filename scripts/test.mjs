// `npm test`: installs what is missing, then typecheck, lint and the whole vitest suite. The
// suite's global setup starts one Temporal dev server for the run and stops it at the end.
import { ensureNodeModules, ensureTemporalCli, run } from './lib/ensure.mjs';
import { ensureChromium, ensurePdftotext, ensureWebBuild } from './lib/web.mjs';

ensureNodeModules();
const temporalCli = ensureTemporalCli();
ensureWebBuild();
ensureChromium();
ensurePdftotext();
const env = { ...process.env, TEMPORAL_CLI: temporalCli };
const extra = process.argv.slice(2);

const steps = [
  ['typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
  ['typecheck web', 'npx', ['tsc', '--noEmit', '-p', 'web/tsconfig.json']],
  ['lint', 'npx', ['eslint', '--max-warnings', '0', '.']],
  ['tests', 'npx', ['vitest', 'run', ...extra]],
];
for (const [name, command, args] of steps) {
  if (extra.length > 0 && name !== 'tests') continue; // `npm test -- file` runs just that file
  console.error(`\nshegong test: ${name}`);
  const status = run(command, args, { env });
  if (status !== 0) {
    console.error(`shegong test: ${name} failed`);
    process.exit(status);
  }
}
