import { Client, Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { encryptedDataConverter } from './codec.js';

/**
 * Connects to Temporal, retrying while the server starts (a cluster may be slower than the app).
 * Every payload the client sends or reads passes through `payloadCodec` (src/temporal/codec.ts).
 */
export async function connectTemporal(address: string, namespace: string, payloadCodec: PayloadCodec, timeoutMs = 60_000): Promise<Client> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 5_000 });
      return new Client({ connection, namespace, dataConverter: encryptedDataConverter(payloadCodec) });
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
  throw new Error(`cannot reach Temporal at ${address}: ${(lastError as Error)?.message}`);
}
