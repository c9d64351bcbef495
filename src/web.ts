import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built dashboard's folder, when it has been built. */
export function staticDashboardDir(): string | undefined {
  const dir = fileURLToPath(new URL('../web/dist', import.meta.url));
  return existsSync(dir) ? dir : undefined;
}
