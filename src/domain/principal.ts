import type { Role } from './types.js';

/** Who is asking: a token's or a signed-in user's role, scope and worker. Services decide with it. */
export interface Principal {
  tokenId: string;
  name: string;
  role: Role;
  /** The org unit the role is scoped to (a street, district, city or community). */
  scopeId: string;
  /** The worker this token acts for (station leads, social workers). */
  workerId: string | null;
  /**
   * Set when the caller signed in to the dashboard (a cookie session) rather than sending a token;
   * `passwordChangeRequired` while an admin-reset password is unchanged (the session may then only
   * change it, read who it is, and sign out).
   */
  session?: { userId: string; idHash: string; passwordChangeRequired?: boolean };
}
