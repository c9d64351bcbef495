// The workflow bundle's entry: re-exports workflow functions only.
export {};
