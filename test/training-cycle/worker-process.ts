// A worker process for the restart test (test/training-cycle/restart.test.ts): every activity over the
// test's PostgreSQL schema. It loads everything, prints "loaded", and polls only after a "go" line
// on stdin, so the test can have a replacement ready and start it the moment it wants.
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import pino from 'pino';
import { createActivities } from '../../activities/index.js';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/connect.js';
import { testDataConverter } from '../helpers/payload-keys.js';

const env = process.env;
const need = (name: string) => env[name] ?? (() => { throw new Error(`${name} is not set`); })();

Runtime.install({ logger: new DefaultLogger('WARN') });
const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', TEMPORAL_ADDRESS: need('TEMPORAL_ADDRESS'), TEMPORAL_TASK_QUEUE: need('TRAINING_TASK_QUEUE'), TEMPORAL_NAMESPACE: need('TEMPORAL_NAMESPACE') });
const store = await openStore({ databaseUrl: need('TRAINING_DATABASE_URL'), schema: need('TRAINING_SCHEMA'), poolSize: 4 });
const temporal = new Client({ connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS! }), namespace: config.TEMPORAL_NAMESPACE, dataConverter: testDataConverter() });
const activities = createActivities({ store, config, logger: pino({ level: 'silent' }), temporal, clock: () => new Date() });
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS! });
process.stdout.write('loaded\n');

const lines = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
const worker = await Worker.create({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  workflowBundle: { codePath: need('TRAINING_BUNDLE') },
  activities,
  dataConverter: testDataConverter(),
  // A killed worker's sticky queue would hold its workflows' next tasks this long: keep it short.
  stickyQueueScheduleToStartTimeout: '1s',
});
process.stdout.write('ready\n');
await worker.run();
