import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import { actorOf, AuthenticatedUser } from './authenticated-user';
import { User } from './user.entity';
import { SessionStore } from './session.store';
import { UserService } from './user.service';

/** What managers do to accounts, each change audited. */
@Injectable()
export class UserAdminService {
  constructor(
    private readonly users: UserService,
    private readonly audit: AuditService,
    private readonly sessions: SessionStore,
    private readonly db: DataSource,
  ) {}

  /** What a user held leaves with the user: sessions and calendar feed addresses. */
  private async revokeAccessOf(userId: string): Promise<void> {
    await this.sessions.closeAllOf(userId);
    await this.db.query(`DELETE FROM calendar_feeds WHERE user_id = $1`, [userId]);
  }

  list(): Promise<User[]> {
    return this.users.list();
  }

  async remove(by: AuthenticatedUser, id: string): Promise<void> {
    if (by.id === id) throw new DomainError('state_conflict', 'You cannot delete your own account.');
    const user = await this.users.softDelete(id);
    await this.revokeAccessOf(id);
    await this.audit.record({ actor: actorOf(by), action: 'user.deleted', entityType: 'user', entityId: id, partnerId: user.partnerId, before: { email: user.email, role: user.role } });
  }

  async setDisabled(by: AuthenticatedUser, id: string, disabled: boolean): Promise<User> {
    if (by.id === id) throw new DomainError('state_conflict', 'You cannot disable your own account.');
    const user = await this.users.setDisabled(id, disabled);
    if (disabled) await this.revokeAccessOf(id);
    await this.audit.record({ actor: actorOf(by), action: disabled ? 'user.disabled' : 'user.enabled', entityType: 'user', entityId: id, partnerId: user.partnerId });
    return user;
  }
}
