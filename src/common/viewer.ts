import type { Role } from './access.decorator';

/**
 * Who is reading: services narrow what they return with it. A partner user sees its own
 * partner's channels and deliveries, and only the campaigns its partner is a member of.
 */
export interface Viewer {
  role: Role;
  partnerId: string | null;
}

export function isPartnerViewer(viewer: Viewer | undefined): viewer is Viewer & { role: 'partner'; partnerId: string } {
  return viewer?.role === 'partner' && !!viewer.partnerId;
}
