import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname } from 'node:path';

export interface DevServerOptions {
  /** Path to the Temporal CLI (scripts/install-temporal finds or builds it). */
  cli: string;
  ip?: string;
  port: number;
  /** Web UI port; omitted means headless. */
  uiPort?: number;
  /**
   * The codec endpoint the web UI calls to show decrypted payloads (the API's `/api/codec`);
   * the UI sends payloads there from the browser, so it must be an address the browser reaches.
   */
  uiCodecEndpoint?: string;
  /** SQLite file for state that survives restarts; omitted means in memory. */
  dbFile?: string;
  searchAttributes: Array<{ name: string; type: string }>;
  /** Namespaces to create besides `default` (the custom search attributes apply to each). */
  namespaces?: string[];
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /**
   * Records the server's pid. A server left running by a previous run that was killed (its parent
   * died without stopping it) is found through this file and stopped before a new one starts.
   */
  pidFile?: string;
  onLog?: (line: string) => void;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

// The SQLite type names the CLI takes differ in case from the SDK's search attribute types.
const CLI_TYPE: Record<string, string> = {
  KEYWORD: 'Keyword', TEXT: 'Text', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime', KEYWORD_LIST: 'KeywordList',
};

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(options.port), '--log-level', options.logLevel ?? 'error'];
  if (options.uiPort) {
    args.push('--ui-port', String(options.uiPort));
    if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  } else {
    args.push('--headless');
  }
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=wal');
  }
  // One street's load fits one task-queue partition; the default four add a hand-off delay to
  // every task (bench/RESULTS.md, the reminders benchmark, measured it).
  args.push(
    '--dynamic-config-value', 'matching.numTaskqueueReadPartitions=1',
    '--dynamic-config-value', 'matching.numTaskqueueWritePartitions=1',
  );
  for (const namespace of options.namespaces ?? []) args.push('--namespace', namespace);
  for (const attribute of options.searchAttributes) {
    args.push('--search-attribute', `${attribute.name}=${CLI_TYPE[attribute.type] ?? attribute.type}`);
  }

  if (options.pidFile) await stopLeftover(options.pidFile);
  if (await canConnect(ip, options.port)) {
    throw new Error(`port ${options.port} is taken (another Temporal server, or another npm start?): stop it or choose another port`);
  }
  const child = spawn(options.cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  if (options.pidFile && child.pid) {
    mkdirSync(dirname(options.pidFile), { recursive: true });
    writeFileSync(options.pidFile, String(child.pid));
  }
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      output.push(line);
      if (output.length > 50) output.shift();
      options.onLog?.(line);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = waitForPort(ip, options.port, 60_000);
  const first = await Promise.race([ready.then(() => 'ready' as const), exited.then(() => 'exited' as const)]);
  if (first === 'exited') {
    throw new Error(`temporal server start-dev exited before it was ready:\n${output.join('\n')}`);
  }
  return {
    address: `${ip}:${options.port}`,
    uiUrl: options.uiPort ? `http://${ip === '0.0.0.0' ? '127.0.0.1' : ip}:${options.uiPort}` : undefined,
    stop: async () => {
      await stopChild(child, exited);
      if (options.pidFile) rmSync(options.pidFile, { force: true });
    },
  };
}

/** Stops a dev server that a killed earlier run left behind, if the pid file names one. */
async function stopLeftover(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1) return;
  let commandLine = '';
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return; // not running (or no /proc): nothing to stop
  }
  if (!commandLine.includes('start-dev')) return; // the pid was reused by another program
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < 10_000; waited += 100) {
    if (!existsSync(`/proc/${pid}`)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.kill(pid, 'SIGKILL');
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

export async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await canConnect(host, port)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`nothing listening on ${host}:${port} after ${timeoutMs} ms`);
}

export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Asks the OS for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    import('node:net').then(({ createServer }) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(port));
      });
    }, reject);
  });
}
