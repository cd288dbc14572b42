import type { Role } from '../common/access.decorator';
import type { AuditActor } from '../audit/audit.service';
import type { Locale } from './user.entity';

/** What the access guard puts on `req.user` for a signed-in request. */
export interface AuthenticatedUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** Set for partner users only: the one partner they act for. */
  partnerId: string | null;
  locale: Locale;
  /** The login session the token belongs to (logout revokes it). */
  sessionId: string;
}

export function actorOf(user: AuthenticatedUser): AuditActor {
  return { userId: user.id, label: user.email };
}
