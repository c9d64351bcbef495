import { forbidden } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { shanghaiDate } from '../domain/time.js';
import { ORG } from '../seed/zhanlanlu.js';
import { recordAudit } from '../store/repositories/audit.js';
import { loadDefaultData, SEED_KEY } from '../store/seed/default-data.js';
import type { ServiceDeps } from './deps.js';

// The default data is Zhanlanlu Street's tree; an admin may load it only if that street is theirs.
const DEFAULT_DATA_SCOPES = new Set<string>([ORG.city.id, ORG.district.id, ORG.street.id]);

/** Loads the default data (idempotent, never overwriting a street's own edits) and audits it. */
export async function seedDefaultData(deps: ServiceDeps, principal: Principal, today: string | undefined, requestId: string) {
  if (!DEFAULT_DATA_SCOPES.has(principal.scopeId)) {
    throw forbidden(`the default data belongs to ${ORG.street.id}, outside your scope`, { reason: 'default_data_outside_scope', values: { streetId: ORG.street.id } });
  }
  const asOf = today ?? shanghaiDate(deps.clock());
  const result = await loadDefaultData(deps.store.db, asOf, async (trx, loaded) => {
    await recordAudit(trx, { actor: principal.name, action: 'seed', entity: 'default_data', entityId: SEED_KEY, after: { today: asOf, alreadyLoaded: loaded.alreadyLoaded }, requestId });
  });
  return { alreadyLoaded: result.alreadyLoaded, today: asOf };
}
