import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import {
  createPayloadCodec, ENCRYPTED_ENCODING, encryptionKeyId, isEncrypted, KEY_ID_METADATA, PayloadDecryptionError,
} from '../../src/temporal/codec.js';
import { ensureGeneratedKeyFile, newPayloadKeyEntry, parsePayloadKeys, withPayloadKeys } from '../../src/temporal/payload-keys.js';

// The payload codec and its keys, without a Temporal server.

const k1 = parsePayloadKeys(newPayloadKeyEntry('k1'));
const k2 = parsePayloadKeys(newPayloadKeyEntry('k2'));
const note = { communityName: '万明园社区', evidence: { note: '楼道议事会纪要，居民签到 23 人' } };
const payload = () => defaultPayloadConverter.toPayload(note);
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe('payload codec', () => {
  it('encrypts a payload whole and decrypts it back to the same metadata and data', async () => {
    const codec = createPayloadCodec(k1);
    const [sealed] = await codec.encode([payload()]);
    expect(text(sealed!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed!.metadata![KEY_ID_METADATA])).toBe('k1');
    expect(Object.keys(sealed!.metadata!).sort()).toEqual(['encoding', KEY_ID_METADATA].sort());
    expect(text(sealed!.data)).not.toContain('万明园');
    expect(text(sealed!.data)).not.toContain('json/plain');

    const [opened] = await codec.decode([sealed!]);
    expect(text(opened!.metadata!.encoding)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(note);
  });

  it('uses a fresh IV for every payload, so equal payloads differ on the wire', async () => {
    const codec = createPayloadCodec(k1);
    const [a, b] = await codec.encode([payload(), payload()]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    expect(Buffer.from(a!.data!).subarray(0, 12).equals(Buffer.from(b!.data!).subarray(0, 12))).toBe(false);
  });

  it('refuses a payload whose ciphertext or key id was altered', async () => {
    const codec = createPayloadCodec([...k1, ...k2]);
    const [sealed] = await codec.encode([payload()]);
    const flipped = Buffer.from(sealed!.data!);
    flipped[20] = flipped[20]! ^ 0x01;
    await expect(codec.decode([{ ...sealed!, data: flipped }])).rejects.toThrow(/k1.*fails authentication/);

    const relabelled = { ...sealed!, metadata: { ...sealed!.metadata!, [KEY_ID_METADATA]: Buffer.from('k2') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(PayloadDecryptionError);
    await expect(codec.decode([{ ...sealed!, data: flipped.subarray(0, 10) }])).rejects.toThrow(/too short/);
  });

  it('names the missing key when a payload was encrypted with a key it does not have', async () => {
    const [sealed] = await createPayloadCodec(k1).encode([payload()]);
    await expect(createPayloadCodec(k2).decode([sealed!])).rejects.toThrow(/encrypted with key "k1", which is not among the configured keys \(k2\)/);
  });

  it('passes a payload without the encrypted encoding through unchanged', async () => {
    const plain = payload();
    const [out] = await createPayloadCodec(k1).decode([plain]);
    expect(out).toBe(plain);
    expect(isEncrypted(plain)).toBe(false);
  });

  it('keeps decrypting with the old key after a rotation and encrypts with the new one', async () => {
    const [old] = await createPayloadCodec(k1).encode([payload()]);
    const rotated = createPayloadCodec([...k2, ...k1]);
    expect(rotated.currentKeyId).toBe('k2');
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!)).toEqual(note);
    const [fresh] = await rotated.encode([payload()]);
    expect(encryptionKeyId(fresh!)).toBe('k2');
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([fresh!]))[0]!)).toEqual(note);
  });
});

describe('payload keys', () => {
  const good = newPayloadKeyEntry('k2');
  const configError = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('loadConfig accepted it');
  };

  it('reads keys newest first from SHEGONG_PAYLOAD_KEYS', () => {
    const config = loadConfig({ SHEGONG_PAYLOAD_KEYS: `${good}, ${newPayloadKeyEntry('k1')}` });
    expect(config.SHEGONG_PAYLOAD_KEYS!.map((key) => key.id)).toEqual(['k2', 'k1']);
    expect(config.SHEGONG_PAYLOAD_KEYS![0]!.secret).toHaveLength(32);
  });

  it('stops with the variable named for a key of the wrong length, bad base64 or a duplicate id', () => {
    expect(configError({ SHEGONG_PAYLOAD_KEYS: `k1:${Buffer.alloc(16).toString('base64')}` })).toMatch(/SHEGONG_PAYLOAD_KEYS: key k1: 16 bytes; AES-256 needs 32/);
    expect(configError({ SHEGONG_PAYLOAD_KEYS: 'k1:not*base64!' })).toMatch(/SHEGONG_PAYLOAD_KEYS: key k1: not valid base64/);
    expect(configError({ SHEGONG_PAYLOAD_KEYS: `${good},${good}` })).toMatch(/SHEGONG_PAYLOAD_KEYS: key k2: the id appears twice/);
    expect(configError({ SHEGONG_PAYLOAD_KEYS: 'just-a-key' })).toMatch(/SHEGONG_PAYLOAD_KEYS: entry 1: expected id:base64key/);
  });

  describe('files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shegong-keys-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads a key file, one key a line, and names the file and variable when it is bad', () => {
      const file = join(dir, 'keys');
      writeFileSync(file, `# rotated 2025-03-01\n${good}\n\n${newPayloadKeyEntry('k1')}\n`);
      expect(loadConfig({ SHEGONG_PAYLOAD_KEY_FILE: file }).SHEGONG_PAYLOAD_KEY_FILE!.keys.map((key) => key.id)).toEqual(['k2', 'k1']);
      writeFileSync(file, 'k1:AAAA\n');
      expect(configError({ SHEGONG_PAYLOAD_KEY_FILE: file })).toContain(`SHEGONG_PAYLOAD_KEY_FILE: ${file}: key k1: 3 bytes; AES-256 needs 32`);
      expect(configError({ SHEGONG_PAYLOAD_KEY_FILE: join(dir, 'missing') })).toMatch(/SHEGONG_PAYLOAD_KEY_FILE: cannot read/);
      writeFileSync(file, `${good}\n`);
      expect(configError({ SHEGONG_PAYLOAD_KEYS: good, SHEGONG_PAYLOAD_KEY_FILE: file })).toContain('SHEGONG_PAYLOAD_KEY_FILE: set SHEGONG_PAYLOAD_KEYS or SHEGONG_PAYLOAD_KEY_FILE, not both');
    });

    it('generates one key under DATA_DIR on the first run (file 0600, folder 0700) and reuses it after', () => {
      const dataDir = join(dir, 'data');
      const first = ensureGeneratedKeyFile(dataDir, '2025-03-01');
      expect(first.created).toBe(true);
      expect(first.keys.map((key) => key.id)).toEqual(['k20250301']);
      expect(statSync(first.path).mode & 0o777).toBe(0o600);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);

      const again = withPayloadKeys(loadConfig({ DATA_DIR: dataDir }), '2025-04-01');
      expect(again.SHEGONG_PAYLOAD_KEY_FILE!.path).toBe(first.path);
      expect(again.SHEGONG_PAYLOAD_KEY_FILE!.keys[0]!.secret.equals(first.keys[0]!.secret)).toBe(true);
      expect(readFileSync(first.path, 'utf8').match(/^k\d+:/gm)).toHaveLength(1);

      // Keys given in the environment win; nothing is generated.
      const given = loadConfig({ DATA_DIR: join(dir, 'other'), SHEGONG_PAYLOAD_KEYS: good });
      expect(withPayloadKeys(given, '2025-04-01')).toBe(given);
    });
  });
});
