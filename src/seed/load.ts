// The default data is described in zhanlanlu.ts beside this file and written by the store; scripts,
// benchmarks and tests load it through this path.
export { loadDefaultData, SEED_KEY, type SeedResult } from '../store/seed/default-data.js';
