// poppler-utils for the monthly report's PDF test (pdftotext reads the PDF's text). Plain Node, like ensure.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Installs Debian's poppler-utils when pdftotext is missing (these machines run as root). */
export function ensurePdftotext() {
  if (existsSync('/usr/bin/pdftotext')) return;
  console.error('shegong: installing poppler-utils for the PDF tests (apt-get update && apt-get install -y poppler-utils)...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'poppler-utils']]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) {
      console.error(`shegong: apt-get ${args.join(' ')} failed; install poppler-utils by hand`);
      process.exit(result.status ?? 1);
    }
  }
}
