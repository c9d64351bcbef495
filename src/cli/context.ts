// What every command module is handed, and the helpers they share.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { type ApiClient, usageError } from './client.js';

export const DEFAULT_URL = 'http://127.0.0.1:3000';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export interface CliContext {
  io: CliIo;
  /** Whether --json was given: print the API's JSON answers as they are, for scripts. */
  json(): boolean;
  /** A client for SHEGONG_URL / --url with SHEGONG_TOKEN / --token. */
  api(): ApiClient;
  /** Prints an answer: JSON with --json, else the readable text. */
  print(value: unknown, readable?: (value: never) => string): void;
}

export const seg = (value: string) => encodeURIComponent(value);

/** `?name=value&…` of the values given (undefined ones left out), or '' when none is. */
export const query = (values: Record<string, string | undefined>) => {
  const entries = Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return entries.length === 0 ? '' : `?${entries.map(([name, value]) => `${name}=${seg(value)}`).join('&')}`;
};

/** A --limit or --offset value: a whole number, else a usage error naming the option. */
export function wholeNumber(option: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw usageError(`${option} must be a whole number`);
  return value;
}

export async function readImportFile(file: string): Promise<unknown> {
  const text = await readText(file);
  switch (extname(file).toLowerCase()) {
    case '.csv':
      return { csv: text };
    case '.json': {
      const value = parseJson(file, text);
      if (Array.isArray(value) || (value !== null && typeof value === 'object')) return value;
      throw usageError(`${file}: expected a JSON array of records`);
    }
    default:
      throw usageError(`${file}: expected a .csv or .json file`);
  }
}

export async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw usageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

export const ROLES = ['admin', 'supervisor', 'station_lead', 'social_worker', 'viewer'];

export interface Me {
  tokenId: string;
  name: string;
  role: string;
  scope: { id: string; kind: string; name: { zh: string; en: string } };
  worker: { id: string; name: string } | null;
}

export interface TokenRow {
  id: string;
  name: string;
  role: string;
  scopeId: string;
  workerId: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export type UserRow = {
  id: string;
  username: string;
  displayName: string;
  role: string;
  scopeId: string;
  workerId: string | null;
  lockedUntil: string | null;
  lastSignInAt: string | null;
};

export interface PlanView {
  planId: string;
  communityId: string;
  status: string;
  currentStage: string | null;
  startedOn: string;
  stages: Array<{ stage: string; status: string; startedAt: string | null; signedOffAt: string | null }>;
  tasks: Array<{ id: string; stage: string; title: { zh: string; en: string }; required: boolean; status: string; dueAt: string | null; completedAt: string | null }>;
}

export interface BulkStart {
  items: Array<{ communityId: string; outcome: 'started' | 'already_running' | 'failed'; workflowId: string; error?: string }>;
  started: number;
  alreadyRunning: number;
  failed: number;
}

export interface Coverage {
  asOf: string;
  total: number;
  operating: number;
  remaining: number;
  inRollout: number;
  projectedFullCoverage: string | null;
  targetFullCoverage: string | null;
  calendar: { note: string | null };
  communities: Array<{
    communityId: string;
    name: { zh: string; en: string };
    station: string;
    openedOn: string | null;
    rollout: { health: string; currentMilestone: string | null; projectedOpening: string } | null;
  }>;
}
