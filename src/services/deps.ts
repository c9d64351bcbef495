import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Store } from '../store/connect.js';

/** What services are built from: the records store, a Temporal client, the config and a clock. */
export interface ServiceDeps {
  store: Store;
  temporal: Client;
  config: Config;
  logger: Logger;
  /** The wall clock, injectable so tests can pin "today". */
  clock: () => Date;
}
