import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { Config } from '../src/config.js';
import type { Store } from '../src/store/connect.js';

/** What activity factories are built from; the worker wires real parts, and so do tests. */
export interface ActivityDeps {
  store: Store;
  config: Config;
  logger: Logger;
  /** A Temporal client, for activities that start or signal other workflows. */
  temporal: Client;
  clock: () => Date;
}
