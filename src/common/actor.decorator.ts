import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { AuditActor } from '../audit/audit.service';

/**
 * The audit actor of the request: the signed-in user when the auth guard has put one on the
 * request (`req.user = {id, email|name, …}`), else "anonymous".
 */
export const Actor = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuditActor => {
  const req = ctx.switchToHttp().getRequest<{ user?: { id?: string; email?: string; name?: string } }>();
  const user = req.user;
  return user?.id ? { userId: user.id, label: user.email ?? user.name ?? user.id } : { userId: null, label: 'anonymous' };
});
