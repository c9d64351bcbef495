import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRoutes } from '../../src/api/routes/index.js';

// No route without a screen, no screen without a route: every route a person uses is called by
// the dashboard (web/src) and by a `shegong` command (src/cli), and every path the dashboard or
// the CLI calls is a route. Read from the source, so a new route fails here, by name, until its
// screen and its command exist. Shipped pages carry no placeholder text.

const ROOT = join(import.meta.dirname, '..', '..');

/** Routes no person uses, with why; everything else needs a screen and a command. */
const NOT_FOR_PEOPLE: Record<string, string> = {
  'GET /healthz': 'probed by the process supervisor and load balancers',
  'GET /metrics': 'scraped by Prometheus',
  'GET /api/calendar/:feedToken': "read by a phone's calendar app with the feed's secret; people make and revoke the link (POST /api/calendar-feed)",
};

/** Routes one surface leaves to the other, with why. */
const ONE_SURFACE: Record<string, { surface: 'dashboard' | 'cli'; why: string }> = {
  'POST /api/admin/seed': { surface: 'cli', why: 'loading the default data is an operator step at set-up (shegong seed)' },
  'GET /api/openapi.json': { surface: 'cli', why: 'the API document, read by tools' },
};

/**
 * Gaps known when this rule was written (issue 13), by surface: the ratchet. A gap listed here
 * does not fail the rule, but a listed gap that has closed does (remove it), so the list only
 * shrinks. Do not add to it: add the screen or the command.
 */
const KNOWN_GAPS: Record<'dashboard' | 'cli', string[]> = {
  dashboard: [
    // The station page reads /plan/live, which already answers from the records store when the
    // workflow cannot; a second, client-side fallback to the stored plan would only repeat it.
    'GET /api/stations/:communityId/plan',
  ],
  cli: [],
};

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, pattern);
    return pattern.test(name) ? [path] : [];
  });
}

/** `/api/stations/:communityId/plan` and `/api/stations/{communityId}/plan` both become `/api/stations/:/plan`. */
const shape = (path: string) => path.replace(/:\w+/g, ':').replace(/\{\w+\}/g, ':');

interface Call { method: 'GET' | 'POST' | 'PUT' | 'ANY'; path: string; file: string }

/** The dashboard's calls: the typed client's `api.GET('/api/…')` and `api.POST('/api/…')`. */
function dashboardCalls(): Call[] {
  return filesUnder(join(ROOT, 'web', 'src'), /\.tsx?$/).filter((file) => !file.endsWith('schema.d.ts')).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const calls = [...text.matchAll(/\bapi\.(GET|POST|PUT)\(\s*'([^']+)'/g)].map((m) => ({ method: m[1] as Call['method'], path: shape(m[2]!), file: relative(ROOT, file) }));
    // Download buttons: <Downloads path="/api/exports/…" /> or path={`/api/exports/${…}/…`}.
    const downloads = [...text.matchAll(/<Downloads\s+path=(?:"([^"]+)"|\{`([^`]+)`\})/g)].map((m) => ({
      method: 'GET' as const, path: shape((m[1] ?? m[2]!).replace(/\$\{(?:[^{}]|\{[^{}]*\})*\}/g, ':x')), file: relative(ROOT, file),
    }));
    // Uploads name their route (upload={{ route: '/api/…/attachments' }}); file links and image
    // sources are template strings (`/api/attachments/${id}/content`, href={`/api/…/collection.pdf`}).
    const uploads = [...text.matchAll(/\broute:\s*'(\/api\/[^']+)'/g)].map((m) => ({ method: 'POST' as const, path: shape(m[1]!), file: relative(ROOT, file) }));
    const links = [...text.matchAll(/`(\/api\/(?:[\w\-./]|\$\{(?:[^{}]|\{[^{}]*\})*\})+)`/g)].map((m) => ({
      method: 'ANY' as const, path: shape(m[1]!.replace(/\$\{(?:[^{}]|\{[^{}]*\})*\}/g, ':x')), file: relative(ROOT, file),
    }));
    return [...calls, ...downloads, ...uploads, ...links];
  });
}

/**
 * The CLI's calls: every `/api/…` path written in src/cli, a `${…}` after a slash being a path
 * value and one elsewhere a query string; its method from the `.get(`/`.post(` it is passed to.
 */
function cliCalls(): Call[] {
  return filesUnder(join(ROOT, 'src', 'cli'), /\.ts$/).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(/['`](\/(?:api\/|healthz)(?:[\w\-./]|\$\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\})*)/g)].map((m) => {
      const path = m[1]!.replace(/([^/])\$\{.*$/, '$1').replace(/\/\$\{(?:[^{}]|\{[^{}]*\})*\}/g, '/:');
      const before = text.slice(Math.max(0, m.index - 120), m.index);
      const verb = [...before.matchAll(/\.(get|post)\s*(?:<[^()]*>)?\s*\(\s*$/g)].at(-1)?.[1];
      return { method: verb ? (verb.toUpperCase() as Call['method']) : 'ANY', path: shape(path.replace(/\?.*$/, '')), file: relative(ROOT, file) };
    });
  });
}

const routes = allRoutes().map((spec) => ({ key: `${spec.method.toUpperCase()} ${spec.path}`, method: spec.method.toUpperCase(), shape: shape(spec.path) }));
const calledBy = (calls: Call[], route: (typeof routes)[number]) => calls.some((call) => call.path === route.shape && (call.method === 'ANY' || call.method === route.method));

describe('coverage: every route a person uses has a screen and a command', () => {
  const dashboard = dashboardCalls();
  const cli = cliCalls();

  it('reads the calls of both surfaces', () => {
    expect(dashboard.length).toBeGreaterThan(20);
    expect(cli.length).toBeGreaterThan(20);
  });

  const uncovered = (surface: 'dashboard' | 'cli', calls: Call[]) => routes
    .filter((route) => !NOT_FOR_PEOPLE[route.key] && (ONE_SURFACE[route.key] === undefined || ONE_SURFACE[route.key]!.surface === surface) && !calledBy(calls, route))
    .map((route) => route.key);

  it('has a dashboard screen for every route a person uses', () => {
    const missing = uncovered('dashboard', dashboard).filter((key) => !KNOWN_GAPS.dashboard.includes(key));
    expect(missing, `routes no page in web/src calls (add a screen, or list the route in NOT_FOR_PEOPLE with why):\n  ${missing.join('\n  ')}\n`).toEqual([]);
  });

  it('has a shegong command for every route a person uses', () => {
    const missing = uncovered('cli', cli).filter((key) => !KNOWN_GAPS.cli.includes(key));
    expect(missing, `routes no command in src/cli calls (add a shegong command and its line in docs/api.md):\n  ${missing.join('\n  ')}\n`).toEqual([]);
  });

  it('lists as known gaps only routes still without a screen or a command (the list only shrinks)', () => {
    const closed = (surface: 'dashboard' | 'cli', calls: Call[]) => {
      const open = new Set(uncovered(surface, calls));
      return KNOWN_GAPS[surface].filter((key) => !open.has(key)).map((key) => `${surface}: ${key}`);
    };
    const stale = [...closed('dashboard', dashboard), ...closed('cli', cli)];
    expect(stale, `gaps now closed (or routes gone): remove them from KNOWN_GAPS in test/architecture/coverage.test.ts:\n  ${stale.join('\n  ')}\n`).toEqual([]);
  });

  it('calls only routes that exist, from the dashboard and from the CLI', () => {
    const unknown = [...dashboard, ...cli]
      .filter((call) => !routes.some((route) => route.shape === call.path && (call.method === 'ANY' || call.method === route.method)))
      .filter((call) => !call.path.startsWith('/healthz'))
      .map((call) => `${call.method} ${call.path} (${call.file})`);
    expect(unknown, `calls to paths the API does not serve:\n  ${unknown.join('\n  ')}\n`).toEqual([]);
  });

  it('lists only exclusions that are routes', () => {
    const keys = new Set(routes.map((route) => route.key));
    const stale = [...Object.keys(NOT_FOR_PEOPLE), ...Object.keys(ONE_SURFACE)].filter((key) => !keys.has(key) && !['GET /metrics', 'GET /api/openapi.json'].includes(key));
    expect(stale, 'exclusions naming no route: remove them').toEqual([]);
  });

  it('ships no placeholder text in a page or its strings', () => {
    const PLACEHOLDER = /尚未上线|暂不可用|敬请期待|coming soon|not (yet )?available|under construction|lorem ipsum|\bTODO\b|\bFIXME\b|\bTBD\b/i;
    const files = [...filesUnder(join(ROOT, 'web', 'src', 'pages'), /\.tsx$/), ...filesUnder(join(ROOT, 'web', 'src', 'i18n'), /\.ts$/), join(ROOT, 'web', 'src', 'i18n.tsx')];
    const found = files.flatMap((file) => readFileSync(file, 'utf8').split('\n')
      .map((line, index) => ({ line, at: `${relative(ROOT, file)}:${index + 1}` }))
      .filter(({ line }) => PLACEHOLDER.test(line))
      .map(({ line, at }) => `${at}: ${line.trim()}`));
    expect(found, `placeholder text in shipped pages:\n  ${found.join('\n  ')}\n`).toEqual([]);
  });
});
