import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const TEST_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Each test file gets its own Temporal namespace on the run's one dev server. Workflow ids are
 * business ids (`station-plan:<communityId>` …), so two files starting work for the same community
 * would otherwise meet each other's workflows, and files run in parallel.
 */
export function namespaceForTestFile(file: string): string {
  const name = relative(TEST_ROOT, file).replace(/\.test\.ts$/, '').replace(/[^A-Za-z0-9]+/g, '-').toLowerCase();
  return `t-${name}`.slice(0, 200);
}

/** The namespaces global setup registers: one per test file. */
export function allTestNamespaces(): string[] {
  const files = readdirSync(TEST_ROOT, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.test.ts'));
  return files.map((file) => namespaceForTestFile(join(TEST_ROOT, file))).sort();
}

/** The current test file's namespace (call it in hooks or tests, where vitest knows the file). */
export function testNamespace(): string {
  const file = expect.getState().testPath;
  if (!file) throw new Error('testNamespace() needs a running test file');
  return namespaceForTestFile(file);
}
