import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../src/config.js';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes.js';
import { TEST_PAYLOAD_KEYS_ENV } from '../helpers/payload-keys.js';

// No Docker engine runs on our machines: the compose file is checked, not run.
const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
  services: Record<string, { image?: string; build?: string; command?: string[]; environment?: Record<string, string | number>; ports?: string[]; depends_on?: unknown; entrypoint?: string | string[]; volumes?: string[] }>;
};
const services = compose.services;

/** Expands ${VAR:-default} the way compose does with nothing set, and the required ${VAR:?…} as an operator would set it. */
const expand = (value: string | number) => String(value)
  .replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')
  .replace(/\$\{SHEGONG_PAYLOAD_KEYS:\?[^}]*\}/g, TEST_PAYLOAD_KEYS_ENV);

describe('docker-compose.yml', () => {
  it('has Temporal on PostgreSQL, the Temporal UI, PostgreSQL, and the Shegong api and worker', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgresql', 'temporal', 'temporal-ui', 'api', 'worker']));
    expect(services.temporal!.environment!.TEMPORAL_DB_HOST).toBe('postgresql');
    expect(services['temporal-schema']!.environment!.SQL_PLUGIN).toBe('postgres12');
    expect(services.api!.build).toBe('.');
    expect(services.worker!.build).toBe('.');
    expect(services.api!.command).toEqual(['npm', 'run', 'api']);
    expect(services.worker!.command).toEqual(['npm', 'run', 'worker']);
  });

  it('gives the api and worker settings that the config schema accepts, pointing at compose services', () => {
    for (const name of ['api', 'worker']) {
      const env = Object.fromEntries(Object.entries(services[name]!.environment!).map(([k, v]) => [k, expand(v)]));
      const parsed = configSchema.safeParse(env);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
      const db = new URL(env.DATABASE_URL!);
      expect(db.hostname).toBe('postgresql');
      expect(db.username).toBe(expand(services.postgresql!.environment!.POSTGRES_USER!));
      expect(db.password).toBe(expand(services.postgresql!.environment!.POSTGRES_PASSWORD!));
      for (const key of Object.keys(env)) expect(Object.keys(configSchema.shape)).toContain(key);
    }
  });

  it('publishes the api port it listens on and the UI the api links to', () => {
    const apiEnv = services.api!.environment!;
    expect(services.api!.ports).toContain(`${apiEnv.PORT}:${apiEnv.PORT}`);
    const uiPort = new URL(String(apiEnv.TEMPORAL_UI_URL)).port;
    expect(services['temporal-ui']!.ports!.some((p) => p.startsWith(`${uiPort}:`))).toBe(true);
    expect(services.temporal!.ports).toContain('7233:7233');
  });

  it('runs the server version the cluster build uses, with the repo\'s config file', () => {
    const version = /^VERSION="([\d.]+)"/m.exec(readFileSync('scripts/install-temporal-server', 'utf8'))![1];
    expect(services.temporal!.image).toBe(`temporalio/server:${version}`);
    expect(services['temporal-schema']!.image).toBe(`temporalio/admin-tools:${version}`);
    expect(services.temporal!.volumes).toContain('./config/temporal:/etc/temporal/shegong-config:ro');
    const entrypoint = services.temporal!.entrypoint as string[];
    expect(entrypoint.slice(entrypoint.indexOf('--env'), entrypoint.indexOf('--env') + 2)).toEqual(['--env', 'shegong']);
    expect(readFileSync('config/temporal/shegong.yaml', 'utf8')).toMatch(/^# enable-template/);
    // Every variable the config reads is one compose sets or one with a default in the config.
    const config = readFileSync('config/temporal/shegong.yaml', 'utf8');
    const read = [...config.matchAll(/env "([A-Z_]+)"/g)].map((m) => m[1]!);
    for (const name of Object.keys(services.temporal!.environment!)) expect(read).toContain(name);
  });

  it('gives the api and every worker the same payload keys', () => {
    expect(services.api!.environment!.SHEGONG_PAYLOAD_KEYS).toBe(services.worker!.environment!.SHEGONG_PAYLOAD_KEYS);
    expect(String(services.api!.environment!.SHEGONG_PAYLOAD_KEYS)).toMatch(/^\$\{SHEGONG_PAYLOAD_KEYS:\?/);
  });

  it('registers every custom search attribute the workflows set', () => {
    const script = services['temporal-admin-tools']!.entrypoint as string;
    for (const key of CUSTOM_SEARCH_ATTRIBUTES) expect(script).toContain(key.name);
  });

  it('builds from a Dockerfile that copies the code both roles run', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    for (const dir of ['src', 'workflows', 'activities']) expect(dockerfile).toContain(`COPY ${dir} ./${dir}`);
    expect(dockerfile).toMatch(/npm ci/);
  });
});
