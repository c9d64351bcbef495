import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Creates DATA_DIR readable by this user only (0700) and makes everything already in it so:
 * folders 0700, files 0600. It holds the records store, the Temporal database, the payload keys
 * and the first admin's token and password.
 */
export function secureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const walk = (path: string) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    if (stat.isDirectory()) {
      if ((stat.mode & 0o777) !== 0o700) chmodSync(path, 0o700);
      for (const entry of readdirSync(path)) walk(join(path, entry));
    } else if ((stat.mode & 0o077) !== 0) {
      chmodSync(path, 0o600);
    }
  };
  walk(dir);
}
