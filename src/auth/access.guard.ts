import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ACCESS_KEY, AccessRule, OWN_SESSION_KEY } from '../common/access.decorator';
import { DomainError } from '../common/errors/domain-error';
import type { AuthenticatedUser } from './authenticated-user';
import { SessionStore } from './session.store';
import { SESSION_COOKIE, TokenService } from './token.service';
import { UserService } from './user.service';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `details.guard` marks a refusal by this guard (the role table test tells it from a service's own 403). */
export type GuardRefusal = 'no_rule' | 'role_not_allowed' | 'read_only_role';

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

    const user = await this.authenticate(req);
    if (!user) throw new DomainError('unauthenticated', 'Sign in first: send a bearer token or the session cookie.');
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
    req.user = user;
    return true;
  }

  private async authenticate(req: Request): Promise<AuthenticatedUser | null> {
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    const claims = bearer ? await this.tokens.verify('access', bearer) : cookie ? await this.tokens.verify('session', cookie) : null;
    if (!claims) return null;
    if (!(await this.sessions.isOpen(claims.sessionId, claims.userId))) return null;
    const user = await this.users.findActive(claims.userId);
    if (!user) return null;
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      partnerId: user.partnerId,
      locale: user.locale,
      sessionId: claims.sessionId,
    };
  }
}
