// The dashboard's build and the browser its tests drive. Plain Node, like ensure.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './ensure.mjs';

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds web/dist when it is missing or older than any source of the page. */
export function ensureWebBuild() {
  const built = join(root, 'web', 'dist', 'index.html');
  const sources = [join(root, 'web', 'src'), join(root, 'web', 'index.html'), join(root, 'web', 'vite.config.ts')];
  const newestSource = Math.max(...sources.filter(existsSync).map((path) => (statSync(path).isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)));
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource) return;
  console.error('shegong: building the dashboard (npm run build:web)...');
  const result = spawnSync('npm', ['run', '--silent', 'build:web'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('shegong: the dashboard build failed (see above)');
    process.exit(result.status ?? 1);
  }
}

/**
 * Installs Debian's chromium for the browser tests when it is missing (these machines run as root),
 * with a Chinese font so pages and screenshots show 中文 rather than boxes.
 */
export function ensureChromium() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const font = '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc';
  if (existsSync(path) && existsSync(font)) return;
  console.error(`shegong: installing Debian's chromium and a Chinese font for the browser tests (apt-get update && apt-get install -y chromium fonts-wqy-zenhei)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'chromium', 'fonts-wqy-zenhei']]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) {
      console.error(`shegong: apt-get ${args.join(' ')} failed; install chromium by hand or set CHROMIUM_PATH`);
      process.exit(result.status ?? 1);
    }
  }
}

/** Installs poppler-utils when pdftotext is missing: the case collection's PDF test reads its text. */
export function ensurePdftotext() {
  const found = spawnSync('pdftotext', ['-v'], { stdio: 'ignore' });
  if (!found.error) return;
  console.error('shegong: installing poppler-utils for pdftotext (apt-get update && apt-get install -y poppler-utils)...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', 'poppler-utils']]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) {
      console.error(`shegong: apt-get ${args.join(' ')} failed; install poppler-utils by hand`);
      process.exit(result.status ?? 1);
    }
  }
}
