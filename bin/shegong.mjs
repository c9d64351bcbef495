#!/usr/bin/env node
// The `shegong` command: runs src/cli.ts through tsx, so `npx shegong ...` and
// `npm run shegong -- ...` work from a fresh clone with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import(new URL('../src/cli.ts', import.meta.url).href);
await main();
