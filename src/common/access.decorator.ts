import { SetMetadata } from '@nestjs/common';

export const ROLES = ['manager', 'partner', 'reviewer'] as const;
export type Role = (typeof ROLES)[number];

export const ACCESS_KEY = 'chorus:access';
export type AccessRule = { public: true } | { public: false; roles: Role[] };

/**
 * Every route states who may call it; the global access guard denies any route without a rule.
 * Partner users are further scoped to their own partner inside the services.
 */
export const Allow = (...roles: Role[]) => SetMetadata(ACCESS_KEY, { public: false, roles } satisfies AccessRule);

export const OWN_SESSION_KEY = 'chorus:own-session';

/**
 * The route changes only the caller's own session or inbox (log out, mark a notification read),
 * never campaign data: read-only roles may call it too.
 */
export const OwnSessionOnly = () => SetMetadata(OWN_SESSION_KEY, true);

/** No sign-in needed (health, docs, tracked-link redirects, approval-by-link pages). */
export const Public = () => SetMetadata(ACCESS_KEY, { public: true } satisfies AccessRule);

export const CAMPAIGN_SCOPE_KEY = 'chorus:campaign-scope';

/**
 * The route reads or writes inside the campaign named by this route parameter: a partner user
 * whose partner is neither a member nor the operator of that campaign gets 404, as if it did not
 * exist. Checked by the access guard, so every route that carries it is scoped the same way.
 */
export const CampaignScoped = (param = 'campaignId') => SetMetadata(CAMPAIGN_SCOPE_KEY, param);
