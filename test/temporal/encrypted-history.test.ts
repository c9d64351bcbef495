import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMUNITIES, seedWorkers } from '../../src/seed/zhanlanlu.js';
import { createPayloadCodec, encryptedDataConverter, encryptionKeyId, isEncrypted } from '../../src/temporal/codec.js';
import { newPayloadKeyEntry, parsePayloadKeys } from '../../src/temporal/payload-keys.js';
import { startTestApi, WANMINGYUAN, type TestApi } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import {
  closeWhenQuiet, connectClient, startTestWorker, TEST_PAYLOAD_KEYS, testNamespace, testPayloadCodec, workflowBundle, type RunningWorker,
} from '../helpers/temporal.js';

// What the Temporal server holds of a real station plan: ciphertext wherever the service put
// names, evidence or actors. Read with a client that has no codec, as anyone who reaches the
// server or its UI would.

type History = proto.temporal.api.history.v1.IHistory;

const workflowId = `station-plan:${WANMINGYUAN}`;
const plan = (rest = '') => `/api/stations/${WANMINGYUAN}/plan${rest}`;
const marker = randomBytes(4).toString('hex');
const notes = [`楼道议事会纪要：居民签到二十三人 ${marker}`, `Resource map walked with the residents' committee ${marker}`];

/** Every name the default data gives a community or a worker, and what the test itself sends. */
const secrets = [
  ...COMMUNITIES.filter((community) => !community.isPlaceholder).flatMap((community) => [community.name.zh, community.name.en]),
  ...seedWorkers().map((worker) => worker.name),
  '万明园',
  ...notes,
  'test supervisor',
  'test station_lead',
];

type Found = { payload: Payload; inSearchAttributes: boolean; inPatchMarker: boolean };

/**
 * Each payload in a history, and whether it sits in search attributes or in a patch marker (which
 * no codec touches: the SDK's core writes a `patched()` marker's details, the patch id, itself).
 */
function payloadsOf(value: unknown, where: Omit<Found, 'payload'> = { inSearchAttributes: false, inPatchMarker: false }, found: Found[] = []) {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const record = value as Record<string, unknown>;
  if (record.data instanceof Uint8Array && record.metadata && typeof record.metadata === 'object') {
    found.push({ payload: record as Payload, ...where });
    return found;
  }
  const inPatchMarker = where.inPatchMarker || record.markerName === 'core_patch';
  for (const [key, child] of Object.entries(record)) payloadsOf(child, { inSearchAttributes: where.inSearchAttributes || key === 'searchAttributes', inPatchMarker }, found);
  return found;
}

const clearText = (history: History) => ({
  bytes: Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish()),
  json: historyToJSON(history),
});

describe('encrypted workflow histories', () => {
  let h: Harness;
  let raw: Client;
  let rotatedClient: Client | undefined;
  let rotatedWorker: RunningWorker | undefined;
  let rotatedApi: TestApi | undefined;
  const newKeys = parsePayloadKeys(newPayloadKeyEntry('test-k2'));
  const rotated = [...newKeys, ...TEST_PAYLOAD_KEYS];
  const fetchRaw = () => raw.workflow.getHandle(workflowId).fetchHistory();

  beforeAll(async () => {
    h = await startHarness({ name: 'encrypted-history', seed: true, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    // The same server, no codec: what the Temporal server and its UI hold.
    raw = new Client({ connection: h.client.connection, namespace: testNamespace() });
  });
  afterAll(async () => {
    await h?.client.workflow.getHandle(workflowId).terminate('test over').catch(() => undefined);
    await rotatedApi?.close();
    await rotatedWorker?.stop();
    if (rotatedClient) closeWhenQuiet(rotatedClient.connection);
    await h?.close();
  });

  it('holds no seeded community or worker name, evidence note or actor in clear text, and every payload but search attributes and patch markers is encrypted', async () => {
    expect((await h.api!.call('POST', plan(), { token: h.tokens.supervisor, body: {} })).status).toBe(201);
    const done = await h.api!.call('POST', plan('/tasks/guide-post-setup/complete'), {
      token: h.tokens.station_lead, body: { evidence: { note: notes[0], links: ['https://example.org/minutes.pdf'] } },
    });
    expect(done.status).toBe(200);
    await eventually('the completed task in the records store', async () => {
      const { body } = await h.api!.call('GET', plan(), { token: h.tokens.supervisor });
      return body.tasks.find((task: { id: string; status: string }) => task.id === 'guide-post-setup' && task.status === 'done');
    });

    const history = await fetchRaw();
    const { bytes, json } = clearText(history);
    for (const secret of secrets) {
      expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
      expect(json, secret).not.toContain(secret);
    }
    const payloads = payloadsOf(history);
    const coded = payloads.filter((entry) => !entry.inSearchAttributes && !entry.inPatchMarker).map((entry) => entry.payload);
    // A patch marker holds the patch's id only (the names checked above are in no payload).
    for (const { payload } of payloads.filter((entry) => entry.inPatchMarker)) {
      expect(Object.keys(JSON.parse(Buffer.from(payload.data!).toString())).sort()).toEqual(['deprecated', 'id']);
    }
    expect(coded.length).toBeGreaterThan(5);
    expect(coded.filter((payload) => !isEncrypted(payload))).toEqual([]);
    expect(new Set(coded.map(encryptionKeyId))).toEqual(new Set(['test-k1']));
    // Search attributes stay readable, and hold ids only.
    const indexed = payloads.filter((entry) => entry.inSearchAttributes).map((entry) => Buffer.from(entry.payload.data!).toString());
    expect(indexed).toContain(JSON.stringify(WANMINGYUAN));

    // The probe finds the names once the payloads are decrypted: the test would see clear text.
    const opened = (await testPayloadCodec().decode(coded)).map((payload) => Buffer.from(payload.data ?? []).toString()).join('\n');
    for (const secret of ['万明园', notes[0]!, 'test supervisor', 'test station_lead']) expect(opened).toContain(secret);
  });

  it('replays a history written with the old key once the key set is rotated, and the rotated service writes with the new key', async () => {
    const written = await fetchRaw();
    await Worker.runReplayHistory({ workflowBundle: workflowBundle(), dataConverter: encryptedDataConverter(createPayloadCodec(rotated)) }, written, workflowId);
    // Dropping the old key instead of keeping it after the new one breaks the running plan.
    await expect(
      Worker.runReplayHistory({ workflowBundle: workflowBundle(), dataConverter: encryptedDataConverter(createPayloadCodec(newKeys)) }, written, workflowId),
    ).rejects.toThrow(/test-k1/);

    // Rotate the running service: client, API and worker restart with [test-k2, test-k1].
    await h.stopWorker();
    rotatedClient = await connectClient({ dataConverter: encryptedDataConverter(createPayloadCodec(rotated)) });
    rotatedWorker = await startTestWorker({ store: h.store, client: rotatedClient, taskQueue: h.taskQueue, config: h.config, dataConverter: encryptedDataConverter(createPayloadCodec(rotated)) });
    rotatedApi = await startTestApi({ store: h.store, temporal: rotatedClient, config: h.config });
    const before = written.events!.length;
    const done = await rotatedApi.call('POST', plan('/tasks/guide-needs-assessment/complete'), {
      token: h.tokens.station_lead, body: { evidence: { note: notes[1], links: ['https://example.org/map.pdf'] } },
    });
    expect(done.status).toBe(200);
    await eventually('the second task in the records store', async () => {
      const { body } = await rotatedApi!.call('GET', plan(), { token: h.tokens.supervisor });
      return body.tasks.find((task: { id: string; status: string }) => task.id === 'guide-needs-assessment' && task.status === 'done');
    });

    const history = await fetchRaw();
    const { bytes } = clearText(history);
    for (const secret of secrets) expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
    const later = payloadsOf({ events: history.events!.slice(before) }).filter((entry) => !entry.inSearchAttributes && !entry.inPatchMarker).map((entry) => entry.payload);
    expect(later.length).toBeGreaterThan(0);
    expect(new Set(later.map(encryptionKeyId))).toEqual(new Set(['test-k2']));
    await Worker.runReplayHistory({ workflowBundle: workflowBundle(), dataConverter: encryptedDataConverter(createPayloadCodec(rotated)) }, history, workflowId);
  });
});
