// The workflow's deterministic clock. Inside a workflow the SDK replaces Date with one that reads
// the time of the current workflow task, so this is replay-safe; outside workflow code do not use it.
// The lint rule against Date.now() in workflows/ exists to route every read through here.

/** Epoch milliseconds of the current workflow task. */
export function nowMs(): number {
  // eslint-disable-next-line no-restricted-properties -- the one sanctioned read; the SDK makes it deterministic
  return Date.now();
}
