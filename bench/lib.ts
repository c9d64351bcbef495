import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The Temporal CLI: $TEMPORAL_CLI, or whatever scripts/install-temporal finds or builds. */
export function temporalCli(): string {
  if (process.env.TEMPORAL_CLI) return process.env.TEMPORAL_CLI;
  const script = fileURLToPath(new URL('../scripts/install-temporal', import.meta.url));
  const result = spawnSync(script, [], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error('could not find or build the Temporal CLI');
  return result.stdout.trim().split('\n').pop()!;
}

/** The p-th percentile (nearest rank) of ascending values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
