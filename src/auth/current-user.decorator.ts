import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';
import type { AuthenticatedUser } from './authenticated-user';

/**
 * The signed-in user of the request, as set by the access guard. Only meaningful on routes with
 * an `@Allow(...)` rule; on a `@Public()` route it answers 401.
 */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthenticatedUser => {
  const user = ctx.switchToHttp().getRequest<{ user?: AuthenticatedUser }>().user;
  if (!user) throw new DomainError('unauthenticated', 'Sign in first.');
  return user;
});
