import { Client, Connection } from '@temporalio/client';

/** Connects to Temporal, retrying while the server starts (a cluster may be slower than the app). */
export async function connectTemporal(address: string, namespace: string, timeoutMs = 60_000): Promise<Client> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 5_000 });
      return new Client({ connection, namespace });
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
  throw new Error(`cannot reach Temporal at ${address}: ${(lastError as Error)?.message}`);
}
