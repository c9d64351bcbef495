import { describe, expect, it } from 'vitest';
import { createSupervisor } from '../../src/supervisor.js';
import { eventually } from '../helpers/eventually.js';

// The supervisor behind `npm start`: ordered start on readiness, one log stream, restart after a
// crash, shutdown in reverse order.

const node = process.execPath;
// A child that says it is ready, and on SIGTERM says it stops and exits.
const polite = (name: string) => [
  '-e',
  `console.log('${name} ready'); process.on('SIGTERM', () => { console.log('${name} stopping'); process.exit(0); }); setInterval(() => {}, 1000);`,
];

describe('supervisor', () => {
  it('starts children in order, prefixes their lines, restarts a crashed one and stops in reverse order', async () => {
    const lines: string[] = [];
    const supervisor = createSupervisor([
      { name: 'store', command: node, args: polite('store'), ready: 'store ready' },
      { name: 'worker', command: node, args: polite('worker'), ready: 'worker ready' },
      { name: 'api', command: node, args: polite('api'), ready: 'api ready' },
    ], { write: (line) => lines.push(line), initialBackoffMs: 50 });
    await supervisor.start();
    const readyOrder = lines.filter((line) => line.endsWith(' ready'));
    expect(readyOrder.map((line) => line.split('|')[0]!.trim())).toEqual(['store', 'worker', 'api']);
    expect(readyOrder[0]).toMatch(/^store\s+\| store ready$/);

    const worker = supervisor.children().find((child) => child.name === 'worker')!;
    process.kill(worker.pid!, 'SIGKILL');
    await eventually('the worker restarted and ready again', () => {
      const now = supervisor.children().find((child) => child.name === 'worker')!;
      expect(now.restarts).toBe(1);
      expect(now.running).toBe(true);
      expect(lines.filter((line) => line.includes('worker ready'))).toHaveLength(2);
      return true;
    });
    expect(lines.some((line) => /supervisor \| worker exited \(SIGKILL\).*restarting in/.test(line))).toBe(true);
    // The others were left alone.
    expect(supervisor.children().filter((child) => child.name !== 'worker').every((child) => child.restarts === 0)).toBe(true);

    await supervisor.stop();
    const stopOrder = lines.filter((line) => line.endsWith(' stopping')).map((line) => line.split('|')[0]!.trim());
    expect(stopOrder).toEqual(['api', 'worker', 'store']);
    expect(supervisor.children().every((child) => !child.running)).toBe(true);
  }, 60_000);

  it('backs off longer after each consecutive crash', async () => {
    const lines: string[] = [];
    const supervisor = createSupervisor([
      { name: 'crashy', command: node, args: ['-e', 'process.exit(3)'] },
    ], { write: (line) => lines.push(line), initialBackoffMs: 20, maxBackoffMs: 80 });
    await supervisor.start();
    await eventually('four restarts', () => supervisor.children()[0]!.restarts >= 4);
    await supervisor.stop();
    const delays = lines.map((line) => /restarting in (\d+) ms/.exec(line)?.[1]).filter((value): value is string => value !== undefined).map(Number);
    expect(delays.slice(0, 4)).toEqual([20, 40, 80, 80]);
  }, 60_000);
});
