import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { ACCESS_KEY, AccessRule, CAMPAIGN_SCOPE_KEY, OWN_SESSION_KEY } from '../common/access.decorator';
import { ENV, Env } from '../config/env';
import { DomainError } from '../common/errors/domain-error';
import type { AuthenticatedUser } from './authenticated-user';
import { SessionStore } from './session.store';
import { SESSION_COOKIE, TokenService } from './token.service';
import { UserService } from './user.service';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `details.guard` marks a refusal by this guard (the role table test tells it from a service's own 403). */
export type GuardRefusal = 'no_rule' | 'role_not_allowed' | 'read_only_role' | 'cross_site';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The global access guard: deny by default. A route answers only if it carries `@Public()` or
 * `@Allow(roles…)` and the caller holds one of the roles; a reviewer never writes, whatever
 * the rule says. Puts the signed-in user on `req.user`.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly sessions: SessionStore,
    private readonly users: UserService,
    private readonly db: DataSource,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<Request & { user?: AuthenticatedUser }>();
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [ctx.getHandler(), ctx.getClass()]);
    const route = `${ctx.getClass().name}.${ctx.getHandler().name}`;
    if (!rule) {
      throw new DomainError('forbidden', `${route} has no access rule: add @Allow(...) or @Public() to it.`, { guard: 'no_rule' satisfies GuardRefusal, route });
    }
    if (rule.public) return true;

    const signedIn = await this.authenticate(req);
    if (!signedIn) throw new DomainError('unauthenticated', 'Sign in first: send a bearer token or the session cookie.');
    const { user } = signedIn;
    if (!rule.roles.includes(user.role)) {
      throw new DomainError('forbidden', `This needs the role ${rule.roles.join(' or ')}; you are ${user.role}.`, {
        guard: 'role_not_allowed' satisfies GuardRefusal,
        allowed: rule.roles,
      });
    }
    const ownSessionOnly = this.reflector.get<boolean | undefined>(OWN_SESSION_KEY, ctx.getHandler()) === true;
    if (user.role === 'reviewer' && !READ_METHODS.has(req.method) && !ownSessionOnly) {
      throw new DomainError('forbidden', 'Reviewers read; they change nothing.', { guard: 'read_only_role' satisfies GuardRefusal });
    }
    if (signedIn.byCookie && !READ_METHODS.has(req.method)) this.checkSameSite(req);
    const scopeParam = this.reflector.getAllAndOverride<string | undefined>(CAMPAIGN_SCOPE_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (scopeParam && user.role === 'partner') await this.checkCampaignMember(String(req.params[scopeParam] ?? ""), user.partnerId);
    req.user = user;
    return true;
  }

  /**
   * A browser sends the session cookie with requests other sites make it send (forms, text/plain
   * fetches). Writes authenticated by the cookie must therefore come from our own pages: the
   * Origin (or, failing it, the Referer) must be ours, and a body must be JSON, which a cross-site
   * page cannot send without a CORS preflight we never grant. Bearer-token clients are not concerned.
   */
  private checkSameSite(req: Request): void {
    const own = new Set([`${req.protocol}://${req.get('host') ?? ''}`]);
    if (this.env.PUBLIC_URL) own.add(new URL(this.env.PUBLIC_URL).origin);
    const origin = req.get('origin') ?? originOf(req.get('referer'));
    if (!origin || !own.has(origin)) {
      throw new DomainError('forbidden', 'This change must come from the Chorus pages (Origin header), or be sent with a bearer token.', {
        guard: 'cross_site' satisfies GuardRefusal,
      });
    }
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (hasBody && !req.is('application/json')) {
      throw new DomainError('unsupported_media_type', 'Send the request body as JSON (Content-Type: application/json).', { guard: 'cross_site' satisfies GuardRefusal });
    }
  }

  /** Same answer as for a campaign that does not exist, so ids reveal nothing. */
  private async checkCampaignMember(campaignId: string | undefined, partnerId: string | null): Promise<void> {
    // A malformed id is left to the route's ParseUUIDPipe (400).
    if (!campaignId || !UUID.test(campaignId)) return;
    const rows = (await this.db.query(
      `SELECT 1 FROM campaigns c
        WHERE c.id = $1 AND (c.operator_partner_id = $2 OR EXISTS (SELECT 1 FROM campaign_partners cp WHERE cp.campaign_id = c.id AND cp.partner_id = $2))`,
      [campaignId, partnerId],
    )) as unknown[];
    if (!rows.length) throw DomainError.notFound('campaign', campaignId);
  }

  private async authenticate(req: Request): Promise<{ user: AuthenticatedUser; byCookie: boolean } | null> {
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    const claims = bearer ? await this.tokens.verify('access', bearer) : cookie ? await this.tokens.verify('session', cookie) : null;
    if (!claims) return null;
    if (!(await this.sessions.isOpen(claims.sessionId, claims.userId))) return null;
    const user = await this.users.findActive(claims.userId);
    if (!user) return null;
    return {
      byCookie: !bearer,
      user: {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        partnerId: user.partnerId,
        locale: user.locale,
        sessionId: claims.sessionId,
      },
    };
  }
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
