// Types for the TypeScript that imports ensure.mjs (the benchmarks and the test suite's set-up).
export const root: string;
export function run(command: string, args: string[], options?: object): number;
export function ensureNodeModules(): void;
export function installedPath(script: string, what: string): string;
export function temporalCliPath(): string;
export function temporalServerDir(): string;
export function ensureTemporalCli(): string;
export function ensureTemporalServer(): string;
