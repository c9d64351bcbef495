import type { AppDeps } from './route.js';

/** Further facts /healthz reports beside reachability (the calendar's coverage, for one). */
export async function healthExtras(_deps: AppDeps): Promise<Record<string, unknown>> {
  return {};
}
