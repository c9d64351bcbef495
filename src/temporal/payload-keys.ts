import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config.js';

// The AES-256 keys of the payload codec. A key list is written newest first: the first key
// encrypts, every key decrypts, so a rotation prepends a key and keeps the old ones.

export interface PayloadKey {
  /** Written into each encrypted payload's metadata; names the key that decrypts it. */
  id: string;
  /** 32 bytes. */
  secret: Buffer;
}

/** A key list that cannot be used; the message says which entry and why. */
export class PayloadKeyError extends Error {}

export const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Parses `id:base64key` entries, newest first, separated by commas or newlines. Blank lines and
 * lines starting with `#` are skipped (key files may carry a comment).
 */
export function parsePayloadKeys(text: string): PayloadKey[] {
  const entries = text.split('\n').filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(',')).map((entry) => entry.trim()).filter(Boolean);
  if (entries.length === 0) throw new PayloadKeyError('no keys: expected id:base64key entries, newest first');
  const keys: PayloadKey[] = [];
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon).trim();
    const encoded = colon < 0 ? '' : entry.slice(colon + 1).trim();
    const which = id ? `key ${id}` : `entry ${index + 1}`;
    if (!id || !encoded) throw new PayloadKeyError(`${which}: expected id:base64key`);
    if (!KEY_ID.test(id)) throw new PayloadKeyError(`${which}: the id may hold letters, digits, ".", "_" and "-" (at most 64)`);
    if (keys.some((key) => key.id === id)) throw new PayloadKeyError(`${which}: the id appears twice; every key needs its own id`);
    if (!BASE64.test(encoded) || encoded.length % 4 !== 0) throw new PayloadKeyError(`${which}: not valid base64`);
    const secret = Buffer.from(encoded, 'base64');
    if (secret.length !== KEY_BYTES) {
      throw new PayloadKeyError(`${which}: ${secret.length} bytes; AES-256 needs ${KEY_BYTES} (44 base64 characters, e.g. from \`openssl rand -base64 32\`)`);
    }
    keys.push({ id, secret });
  }
  return keys;
}

/** Reads and parses a key file; errors name the file. */
export function readPayloadKeyFile(path: string): PayloadKey[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PayloadKeyError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return parsePayloadKeys(text);
  } catch (error) {
    throw new PayloadKeyError(`${path}: ${(error as Error).message}`);
  }
}

/** A new random key, as a key-list entry. */
export function newPayloadKeyEntry(id: string): string {
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

export const GENERATED_KEY_FILE = 'payload-keys';

/**
 * The key file `npm start` uses when neither SHEGONG_PAYLOAD_KEYS nor SHEGONG_PAYLOAD_KEY_FILE is
 * set: `<dataDir>/payload-keys`, created with one new key on the first run (file 0600, folder
 * 0700) and read on every later run. Losing it makes every encrypted history unreadable.
 */
export function ensureGeneratedKeyFile(dataDir: string, today: string): { path: string; keys: PayloadKey[]; created: boolean } {
  const dir = resolve(dataDir);
  const path = join(dir, GENERATED_KEY_FILE);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let created = false;
  try {
    const header = '# Shegong payload keys, newest first: the first encrypts, all decrypt. Back this file up; see docs/security.md.\n';
    // 'wx': two starts racing on a fresh folder must not each write a different key.
    writeFileSync(path, `${header}${newPayloadKeyEntry(`k${today.replaceAll('-', '')}`)}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(dir, 0o700);
    created = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  chmodSync(path, 0o600);
  return { path, keys: readPayloadKeyFile(path), created };
}

/** The keys the config names (SHEGONG_PAYLOAD_KEYS, or the keys in SHEGONG_PAYLOAD_KEY_FILE), if any. */
export function configuredPayloadKeys(config: Config): PayloadKey[] | undefined {
  return config.SHEGONG_PAYLOAD_KEYS ?? config.SHEGONG_PAYLOAD_KEY_FILE?.keys;
}

/** The configured keys; separate API and worker processes must share them, so none is generated. */
export function requirePayloadKeys(config: Config): PayloadKey[] {
  const keys = configuredPayloadKeys(config);
  if (!keys) {
    throw new PayloadKeyError('SHEGONG_PAYLOAD_KEYS or SHEGONG_PAYLOAD_KEY_FILE must be set: the API and every worker encrypt workflow payloads with the same keys (see docs/security.md)');
  }
  return keys;
}

/**
 * For `npm start`: the config as given when it names keys, else with the generated key file under
 * DATA_DIR (created on the first run) as its SHEGONG_PAYLOAD_KEY_FILE.
 */
export function withPayloadKeys(config: Config, today: string): Config {
  if (configuredPayloadKeys(config)) return config;
  const { path, keys } = ensureGeneratedKeyFile(config.DATA_DIR, today);
  return { ...config, SHEGONG_PAYLOAD_KEY_FILE: { path, keys } };
}
