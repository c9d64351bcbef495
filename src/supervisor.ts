// A small process supervisor: starts child processes in order (each waits for the one before it
// to say it is ready), restarts one that exits unexpectedly with an exponential back-off, stops
// them in reverse order on Ctrl-C, and writes every child's output into one stream, each line
// prefixed with its name. `npm start` runs the records store, the worker and the API under it;
// any other multi-process topology (a local cluster) can reuse it.
//
// Children run in their own process group, so the terminal's Ctrl-C reaches the supervisor alone
// and the order of shutdown is ours. Node children get an IPC channel too: `exitWithSupervisor()`
// makes them exit when the supervisor dies without warning (SIGKILL), so nothing is orphaned.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildSpec {
  /** Short name, used as the log prefix and in messages. */
  name: string;
  command: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * Ready when a line of its output satisfies this (a string: the line contains it). Without it a
   * child is ready as soon as it has been spawned. Children after it start only once it is ready.
   */
  ready?: string | ((line: string) => boolean);
  /** Ready when it sends `{ type: 'ready' }` over IPC (see `signalReady`), whatever it logs. */
  readyMessage?: boolean;
  /** Restart when it exits while the supervisor runs (default true). */
  restart?: boolean;
  /** The signal that asks it to stop (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
  /** How long it may take to stop before it is killed (default options.stopTimeoutMs). */
  stopTimeoutMs?: number;
  /** Give it an IPC channel (default: when the command is this Node binary). */
  ipc?: boolean;
}

export interface SupervisorOptions {
  /** Where every line goes (default: process.stdout). */
  write?: (line: string) => void;
  /** First restart delay, doubled per consecutive failure up to maxBackoffMs (default 500 ms). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A child that ran at least this long starts again from the first delay (default 60 s). */
  resetBackoffAfterMs?: number;
  stopTimeoutMs?: number;
  /** How long a child may take to become ready (default 5 minutes). */
  readyTimeoutMs?: number;
}

export interface ChildState {
  name: string;
  pid: number | undefined;
  restarts: number;
  running: boolean;
}

export interface Supervisor {
  /** Starts every child in order; resolves when the last one is ready. */
  start(): Promise<void>;
  /** Stops every child in reverse order; resolves when all have exited. */
  stop(): Promise<void>;
  /** Each child's current state. */
  children(): ChildState[];
  /** Resolves each time the named child becomes ready (again, after a restart). */
  whenReady(name: string): Promise<void>;
  /** Stops on SIGINT and SIGTERM, then exits with `code`. */
  stopOnSignals(code?: number): void;
}

interface Managed {
  spec: ChildSpec;
  child: ChildProcess | undefined;
  restarts: number;
  failures: number;
  startedAt: number;
  ready: boolean;
  readyWaiters: Array<() => void>;
  restartTimer: NodeJS.Timeout | undefined;
}

export function createSupervisor(specs: ChildSpec[], options: SupervisorOptions = {}): Supervisor {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const initialBackoffMs = options.initialBackoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const resetAfterMs = options.resetBackoffAfterMs ?? 60_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
  const readyTimeoutMs = options.readyTimeoutMs ?? 300_000;
  const width = Math.max(...specs.map((spec) => spec.name.length), 'supervisor'.length);
  const prefix = (name: string) => `${name.padEnd(width)} | `;
  const say = (message: string) => write(`${prefix('supervisor')}${message}`);
  const managed: Managed[] = specs.map((spec) => ({ spec, child: undefined, restarts: 0, failures: 0, startedAt: 0, ready: false, readyWaiters: [], restartTimer: undefined }));
  let stopping = false;

  const markReady = (entry: Managed) => {
    if (entry.ready) return;
    entry.ready = true;
    for (const waiter of entry.readyWaiters.splice(0)) waiter();
  };

  const spawnChild = (entry: Managed) => {
    const { spec } = entry;
    const ipc = spec.ipc ?? spec.command === process.execPath;
    entry.ready = false;
    entry.startedAt = Date.now();
    const child = spawn(spec.command, spec.args ?? [], {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      detached: true,
      stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    });
    entry.child = child;
    const isReady = typeof spec.ready === 'string' ? (line: string) => line.includes(spec.ready as string) : spec.ready;
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        write(`${prefix(spec.name)}${line}`);
        if (!entry.ready && isReady?.(line)) markReady(entry);
      });
    }
    if (ipc) {
      child.on('message', (message: unknown) => {
        if ((message as { type?: unknown } | null)?.type === 'ready') markReady(entry);
      });
    }
    if (!isReady && !spec.readyMessage) child.once('spawn', () => markReady(entry));
    child.once('error', (error) => say(`${spec.name} could not start: ${error.message}`));
    child.once('exit', (code, signal) => {
      if (entry.child === child) entry.child = undefined;
      if (stopping || spec.restart === false) {
        if (!stopping) say(`${spec.name} exited (${signal ?? `code ${code}`})`);
        return;
      }
      const ranMs = Date.now() - entry.startedAt;
      entry.failures = ranMs >= resetAfterMs ? 1 : entry.failures + 1;
      const delay = Math.min(maxBackoffMs, initialBackoffMs * 2 ** (entry.failures - 1));
      say(`${spec.name} exited (${signal ?? `code ${code}`}) after ${(ranMs / 1000).toFixed(1)} s; restarting in ${delay} ms`);
      entry.restartTimer = setTimeout(() => {
        entry.restartTimer = undefined;
        if (stopping) return;
        entry.restarts += 1;
        spawnChild(entry);
      }, delay);
    });
  };

  const whenReady = (entry: Managed) => new Promise<void>((resolve) => {
    if (entry.ready) resolve();
    else entry.readyWaiters.push(resolve);
  });

  const stopChild = (entry: Managed) => new Promise<void>((resolve) => {
    if (entry.restartTimer) clearTimeout(entry.restartTimer);
    const child = entry.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    const timeout = setTimeout(() => {
      say(`${entry.spec.name} did not stop in time; killing it`);
      signalGroup(child, 'SIGKILL');
    }, entry.spec.stopTimeoutMs ?? stopTimeoutMs);
    child.once('exit', () => {
      clearTimeout(timeout);
      resolve();
    });
    signalGroup(child, entry.spec.stopSignal ?? 'SIGTERM');
  });

  const supervisor: Supervisor = {
    async start() {
      for (const entry of managed) {
        if (stopping) return;
        spawnChild(entry);
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${entry.spec.name} was not ready within ${readyTimeoutMs / 1000} s`)), readyTimeoutMs);
        });
        try {
          await Promise.race([whenReady(entry), timedOut]);
        } finally {
          clearTimeout(timer);
        }
      }
    },
    async stop() {
      stopping = true;
      for (const entry of [...managed].reverse()) await stopChild(entry);
    },
    children() {
      return managed.map((entry) => ({ name: entry.spec.name, pid: entry.child?.pid, restarts: entry.restarts, running: entry.child !== undefined }));
    },
    whenReady(name) {
      const entry = managed.find((candidate) => candidate.spec.name === name);
      if (!entry) return Promise.reject(new Error(`no child named ${name}`));
      return whenReady(entry);
    },
    stopOnSignals(code = 0) {
      let signalled = false;
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.on(signal, () => {
          if (signalled) return;
          signalled = true;
          say(`${signal}: stopping ${[...managed].reverse().map((entry) => entry.spec.name).join(', then ')}`);
          void supervisor.stop().then(() => process.exit(code));
        });
      }
    },
  };
  return supervisor;
}

/** Signals a child's whole process group (it was spawned detached), so its own children stop too. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/** In a supervised Node child: tells the supervisor it is ready (a no-op when not supervised). */
export function signalReady(): void {
  process.send?.({ type: 'ready' });
}

/**
 * In a supervised Node child: exit when the supervisor's IPC channel closes (the supervisor died
 * without stopping us). `onOrphaned` may clean up first; the process exits after it either way.
 */
export function exitWithSupervisor(onOrphaned?: () => Promise<void>): void {
  if (!process.send) return;
  process.on('disconnect', () => {
    const done = () => process.exit(1);
    if (!onOrphaned) return done();
    const timer = setTimeout(done, 10_000);
    timer.unref();
    void onOrphaned().finally(done);
  });
}
