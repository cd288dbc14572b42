import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import { actorOf, AuthenticatedUser } from './authenticated-user';
import { User } from './user.entity';
import { UserService } from './user.service';

/** What managers do to accounts, each change audited. */
@Injectable()
export class UserAdminService {
  constructor(
    private readonly users: UserService,
    private readonly audit: AuditService,
  ) {}

  list(): Promise<User[]> {
    return this.users.list();
  }

  async remove(by: AuthenticatedUser, id: string): Promise<void> {
    if (by.id === id) throw new DomainError('state_conflict', 'You cannot delete your own account.');
    const user = await this.users.softDelete(id);
    await this.audit.record({ actor: actorOf(by), action: 'user.deleted', entityType: 'user', entityId: id, partnerId: user.partnerId, before: { email: user.email, role: user.role } });
  }

  async setDisabled(by: AuthenticatedUser, id: string, disabled: boolean): Promise<User> {
    if (by.id === id) throw new DomainError('state_conflict', 'You cannot disable your own account.');
    const user = await this.users.setDisabled(id, disabled);
    await this.audit.record({ actor: actorOf(by), action: disabled ? 'user.disabled' : 'user.enabled', entityType: 'user', entityId: id, partnerId: user.partnerId });
    return user;
  }
}
