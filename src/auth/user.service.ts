import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import type { Role } from '../common/access.decorator';
import { DomainError } from '../common/errors/domain-error';
import { hashPassword } from './password';
import { Locale, User } from './user.entity';

export interface NewUser {
  email: string;
  name: string;
  role: Role;
  partnerId?: string | null;
  locale?: Locale;
  /** Omitted for invited users: they set it when accepting the invite. */
  password?: string;
}

/** Users and their state. Passwords are only ever handled as argon2id hashes. */
@Injectable()
export class UserService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  async create(input: NewUser): Promise<User> {
    checkPartnerBinding(input);
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    const row = this.users.create({
      email: input.email.trim(),
      name: input.name.trim(),
      role: input.role,
      partnerId: input.partnerId ?? null,
      locale: input.locale ?? 'fr',
      passwordHash,
    });
    const saved = await this.users.save(row);
    return this.get(saved.id);
  }

  /** An invited user who has not set a password yet takes the newest invitation's name, role and partner. */
  async updatePending(id: string, input: NewUser): Promise<User> {
    checkPartnerBinding(input);
    await this.users.update({ id }, { name: input.name.trim(), role: input.role, partnerId: input.partnerId ?? null, ...(input.locale ? { locale: input.locale } : {}) });
    return this.get(id);
  }

  async get(id: string): Promise<User> {
    const user = await this.users.findOne({ where: { id, deletedAt: IsNull() } });
    if (!user) throw DomainError.notFound('user', id);
    return user;
  }

  /** The user behind a token, or null when deleted or disabled (their tokens stop working at once). */
  findActive(id: string): Promise<User | null> {
    return this.users.findOne({ where: { id, deletedAt: IsNull(), disabledAt: IsNull() } });
  }

  /** For login only: the one place the password hash is read. */
  findForLogin(email: string): Promise<(User & { passwordHash: string | null }) | null> {
    return this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = lower(:email)', { email: email.trim() })
      .andWhere('u.deleted_at IS NULL')
      .getOne() as Promise<(User & { passwordHash: string | null }) | null>;
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email: email.trim() }).getOne();
  }

  list(): Promise<User[]> {
    return this.users.find({ where: { deletedAt: IsNull() }, order: { createdAt: 'ASC' } });
  }

  /** Active users who act for this partner (partner role). */
  partnerUsers(partnerId: string): Promise<User[]> {
    return this.users.find({ where: { partnerId, role: 'partner', deletedAt: IsNull(), disabledAt: IsNull() } });
  }

  managers(): Promise<User[]> {
    return this.users.find({ where: { role: 'manager', deletedAt: IsNull(), disabledAt: IsNull() } });
  }

  async setPassword(id: string, password: string): Promise<void> {
    await this.users.update({ id }, { passwordHash: await hashPassword(password) });
  }

  async softDelete(id: string): Promise<User> {
    const user = await this.get(id);
    await this.users.update({ id }, { deletedAt: new Date() });
    return user;
  }

  async setDisabled(id: string, disabled: boolean): Promise<User> {
    await this.get(id);
    await this.users.update({ id }, { disabledAt: disabled ? new Date() : null });
    return this.get(id);
  }
}

function checkPartnerBinding(input: Pick<NewUser, 'role' | 'partnerId'>): void {
  if ((input.role === 'partner') !== Boolean(input.partnerId)) {
    throw DomainError.validation('A partner user needs a partnerId; managers and reviewers have none.', { field: 'partnerId' });
  }
}
