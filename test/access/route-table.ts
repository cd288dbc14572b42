import type { Role } from '../../src/common/access.decorator';

/**
 * Who may call each route: THE expected access policy, checked by role-table.spec.ts against the
 * running app. One line per route, `'METHOD /path': rule`. A route the app registers that is
 * missing here fails the suite, and so does a line for a route that no longer exists.
 *
 * PUBLIC: anyone, signed in or not. Otherwise the roles allowed; everyone else is refused by
 * the guard (anonymous 401, other roles 403). Reviewers are never allowed a non-GET route.
 */
export const PUBLIC = 'public' as const;
const M: Role = 'manager';
const P: Role = 'partner';
const R: Role = 'reviewer';
const ALL = [M, P, R];

export const ROUTE_TABLE: Record<string, typeof PUBLIC | Role[]> = {
  // health, web pages
  'GET /health': PUBLIC,
  // outside the session guard: bearer METRICS_TOKEN, checked by MetricsController (404 while unset)
  'GET /metrics': PUBLIC,
  'GET /': PUBLIC,
  'GET /app': PUBLIC,
  'GET /app/*path': PUBLIC,
  'GET /app/assets/:file': PUBLIC,
  'GET /approve/:token': PUBLIC,
  'GET /invite': PUBLIC,

  // auth and users (issue 4)
  'POST /api/auth/login': PUBLIC,
  'POST /api/auth/accept-invite': PUBLIC,
  'POST /api/auth/reset-password': PUBLIC,
  'POST /api/auth/password-reset': PUBLIC,
  'GET /api/auth/options': PUBLIC,
  'POST /api/auth/first-run': PUBLIC,
  'POST /api/auth/password': ALL,
  'POST /api/auth/logout': ALL,
  'GET /api/auth/me': ALL,
  'POST /api/users/invites': [M],
  'GET /api/users': [M],
  'DELETE /api/users/:id': [M],
  'POST /api/users/:id/disable': [M],
  'POST /api/users/:id/enable': [M],

  // approvals, notifications, audit (issue 4)
  'POST /api/posts/:id/submit': [M],
  'POST /api/posts/:id/approvals': [M, P],
  'GET /api/posts/:id/approvals': ALL,
  'POST /api/posts/:id/approvals/:partnerId/ask-again': [M],
  'POST /api/posts/:id/approvals/change': [P],
  'GET /api/posts/:id/approval-links': [M],
  'GET /api/approvals/inbox': [P],
  'GET /api/approval-links/:token': PUBLIC,
  'POST /api/approval-links/:token': PUBLIC,
  'GET /api/notifications': ALL,
  'POST /api/notifications/:id/read': ALL,
  'PUT /api/partners/:id/webhook': [M],
  'DELETE /api/partners/:id/webhook': [M],
  'GET /api/audit-events': [M],

  // partners, channels (credentials are write-only, for managers)
  'POST /api/partners': [M],
  'GET /api/partners': ALL,
  'GET /api/partners/:id': ALL,
  'PATCH /api/partners/:id': [M],
  'POST /api/partners/:partnerId/channels': [M],
  'GET /api/channels': ALL,
  'GET /api/channels/:id': ALL,
  'PATCH /api/channels/:id': [M],
  'PUT /api/channels/:id/credentials': [M],

  // campaigns, tracks, actions, posts
  'POST /api/campaigns': [M],
  'GET /api/campaigns': ALL,
  'GET /api/campaigns/:id': ALL,
  'PATCH /api/campaigns/:id': [M],
  'POST /api/campaigns/:id/partners': [M],
  'POST /api/campaigns/:campaignId/tracks': [M],
  'GET /api/campaigns/:campaignId/tracks': ALL,
  'GET /api/tracks/:id': ALL,
  'PATCH /api/tracks/:id': [M],
  'POST /api/campaigns/:campaignId/actions': [M],
  'GET /api/campaigns/:campaignId/actions': ALL,
  'GET /api/actions/:id': ALL,
  'PATCH /api/actions/:id': [M],
  'POST /api/campaigns/:campaignId/posts': [M],
  'POST /api/campaigns/:campaignId/posts/preview': [M],
  'GET /api/campaigns/:campaignId/posts': ALL,
  'GET /api/posts/:id': ALL,
  'PATCH /api/posts/:id': [M],

  // publishing pipeline: manager operations
  'POST /api/posts/:id/cancel': [M],
  'POST /api/deliveries/:id/retry': [M],
  'POST /api/channels/:id/pause': [M],
  'POST /api/channels/:id/resume': [M],

  // analytics
  'GET /api/campaigns/:campaignId/indicators': ALL,
  'GET /api/campaigns/:campaignId/indicators/series': ALL,
  'GET /api/campaigns/:campaignId/reciprocity': ALL,
  'GET /l/:code': PUBLIC,
  'GET /api/campaigns/:campaignId/links': ALL,
  'POST /api/campaigns/:campaignId/conversions': [M, P],
  'GET /api/campaigns/:campaignId/conversions': ALL,
  'POST /api/campaigns/:campaignId/codes': [M, P],
  'GET /api/campaigns/:campaignId/codes': ALL,
  'GET /api/campaigns/:campaignId/report.csv': ALL,
  'GET /api/campaigns/:campaignId/outputs': ALL,
  'GET /api/campaigns/:campaignId/report.pdf': [M, R],
  'GET /api/campaigns/:campaignId/report.xlsx': [M, R],
  'GET /api/campaigns/:campaignId/outputs/top-posts': ALL,
  'GET /api/campaigns/:campaignId/outputs/reciprocal-visibility': ALL,

  // web API
  'GET /api/web/campaigns/:id/calendar': ALL,
  'GET /api/web/refusals': [M],
  'GET /api/web/campaigns/:id/composer': [M],
  'GET /api/web/posts/:id': ALL,
  'GET /api/web/campaigns/:id/calendar-feed': ALL,
  'DELETE /api/web/campaigns/:id/calendar-feed': ALL,
  'GET /api/campaigns/:id/calendar.ics': ALL,
  'GET /feeds/campaigns/:id/:key/calendar.ics': PUBLIC,
};

/**
 * Registered on the Express router but not API endpoints: Swagger's pages (public by design)
 * and app-wide middleware mounted on every path (request logging).
 */
export const NOT_ENDPOINTS = [/^\/docs/, /^\/\{\*path\}$/];
