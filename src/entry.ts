import type { Config } from './config.js';

/**
 * The API and the worker run as separate processes only against shared services: PGlite is
 * in-process and cannot be shared, and there is no dev server to start. Stops with a message
 * naming the missing variable.
 */
export function requireProductionSettings(config: Config): Config {
  const missing = [
    ...(config.TEMPORAL_ADDRESS ? [] : ['TEMPORAL_ADDRESS']),
    ...(config.DATABASE_URL ? [] : ['DATABASE_URL']),
  ];
  if (missing.length > 0) {
    console.error(`shegong: ${missing.join(' and ')} must be set to run the API and worker separately (use \`npm start\` for the all-in-one service)`);
    process.exit(2);
  }
  return config;
}
