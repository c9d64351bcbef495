// A worker process for the crash test (test/notifications/worker-crash.test.ts): real notify
// activities over the test's PostgreSQL schema, with a hook that reports the outbox rows written
// and then blocks forever, so the test can kill the process between "written" and "delivered".
import { NativeConnection, Worker } from '@temporalio/worker';
import pino from 'pino';
import { Client, Connection } from '@temporalio/client';
import { createNotifyActivities } from '../../activities/notification.js';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/connect.js';
import { testDataConverter } from '../helpers/payload-keys.js';

const env = process.env;
const need = (name: string) => env[name] ?? (() => { throw new Error(`${name} is not set`); })();

const config = loadConfig({ NODE_ENV: 'test', TEMPORAL_ADDRESS: need('TEMPORAL_ADDRESS'), SMTP_URL: need('SMTP_URL'), SMTP_FROM: need('SMTP_FROM') });
const store = await openStore({ databaseUrl: need('CRASH_DATABASE_URL'), schema: need('CRASH_SCHEMA'), poolSize: 2 });
const temporal = new Client({ connection: await Connection.connect({ address: config.TEMPORAL_ADDRESS! }), namespace: need('TEMPORAL_NAMESPACE'), dataConverter: testDataConverter() });
const activities = createNotifyActivities(
  { store, config, logger: pino({ level: 'silent' }), temporal, clock: () => new Date() },
  {
    hooks: {
      afterWrite: async (key) => {
        process.stdout.write(`written ${key}\n`);
        await new Promise(() => {});
      },
    },
  },
);
const worker = await Worker.create({
  connection: await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS! }),
  namespace: need('TEMPORAL_NAMESPACE'),
  taskQueue: need('CRASH_TASK_QUEUE'),
  workflowBundle: { codePath: need('CRASH_BUNDLE') },
  activities,
  dataConverter: testDataConverter(),
});
process.stdout.write('ready\n');
await worker.run();
