// The test suite's payload keys: fixed, so histories saved by one run replay in every later one.
// No vitest import here: worker processes that tests spawn load this file too.
import type { DataConverter } from '@temporalio/common';
import { createPayloadCodec, encryptedDataConverter, type EncryptionCodec } from '../../src/temporal/codec.js';
import { parsePayloadKeys } from '../../src/temporal/payload-keys.js';

/** As SHEGONG_PAYLOAD_KEYS would hold them. Test keys only: never use them for real data. */
export const TEST_PAYLOAD_KEYS_ENV = 'test-k1:nQMFZsiYHcFd8DYobPf9hScHuA7z1mk6+dWcr/4zqoA=';
export const TEST_PAYLOAD_KEYS = parsePayloadKeys(TEST_PAYLOAD_KEYS_ENV);

export function testPayloadCodec(): EncryptionCodec {
  return createPayloadCodec(TEST_PAYLOAD_KEYS);
}

/** What every test client and worker passes as `dataConverter`. */
export function testDataConverter(): DataConverter {
  return encryptedDataConverter(testPayloadCodec());
}
