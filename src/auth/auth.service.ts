import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, IsNull, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import { ENV, Env } from '../config/env';
import { MailService } from '../notifications/mail.service';
import { actorOf, AuthenticatedUser } from './authenticated-user';
import { AcceptInviteDto } from './dto/accept-invite.dto';
import { CreateInviteDto } from './dto/create-invite.dto';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password';
import { SessionStore } from './session.store';
import { ACCESS_TOKEN_TTL_SECONDS, TokenService } from './token.service';
import { UserInvite } from './user-invite.entity';
import { User } from './user.entity';
import { UserService } from './user.service';

export const INVITE_TTL_HOURS = 72;

export interface SignedIn {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  /** For the cookie; never put in a response body. */
  sessionToken: string;
  user: PublicUser;
}

export type PublicUser = Pick<User, 'id' | 'email' | 'name' | 'role' | 'partnerId' | 'locale'>;

export function publicUser(u: Pick<User, 'id' | 'email' | 'name' | 'role' | 'partnerId' | 'locale'>): PublicUser {
  return { id: u.id, email: u.email, name: u.name, role: u.role, partnerId: u.partnerId, locale: u.locale };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Login, logout and invitations. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UserService,
    private readonly sessions: SessionStore,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly mail: MailService,
    private readonly db: DataSource,
    @InjectRepository(UserInvite) private readonly invites: Repository<UserInvite>,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async login(email: string, password: string): Promise<SignedIn> {
    const user = await this.users.findForLogin(email);
    // Same work whether or not the user exists, so timing does not reveal registered e-mails.
    const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
    if (!user || !user.passwordHash || !ok || user.disabledAt) {
      if (user) {
        await this.audit.record({ actor: { userId: null, label: email }, action: 'user.login_failed', entityType: 'user', entityId: user.id, partnerId: user.partnerId });
      }
      throw new DomainError('unauthenticated', 'Wrong e-mail or password.');
    }
    await this.audit.record({ actor: { userId: user.id, label: user.email }, action: 'user.login', entityType: 'user', entityId: user.id, partnerId: user.partnerId });
    return this.openSession(user);
  }

  async logout(user: AuthenticatedUser): Promise<void> {
    await this.sessions.close(user.sessionId);
    await this.audit.record({ actor: actorOf(user), action: 'user.logout', entityType: 'user', entityId: user.id, partnerId: user.partnerId });
  }

  async invite(by: AuthenticatedUser, dto: CreateInviteDto): Promise<{ userId: string; token: string; inviteUrl: string; expiresAt: Date }> {
    const existing = await this.users.findByEmail(dto.email);
    if (existing && !existing.deletedAt) {
      const hasPassword = await this.db.query(`SELECT 1 FROM users WHERE id = $1 AND password_hash IS NOT NULL`, [existing.id]);
      if (hasPassword.length) throw new DomainError('conflict', `${dto.email} already has an account.`);
    }
    if (dto.partnerId) {
      const found = await this.db.query(`SELECT 1 FROM partners WHERE id = $1`, [dto.partnerId]);
      if (!found.length) throw DomainError.notFound('partner', dto.partnerId);
    }
    const pending = existing && !existing.deletedAt ? existing : null;
    const fields = { email: dto.email, name: dto.name, role: dto.role, partnerId: dto.partnerId ?? null, locale: dto.locale };
    // Re-inviting someone who has not accepted yet: the newest invitation says who they are, and the older links die.
    const user = pending ? await this.users.updatePending(pending.id, fields) : await this.users.create(fields);
    if (pending) {
      await this.invites.update({ userId: user.id, acceptedAt: IsNull() }, { expiresAt: new Date() });
      if (pending.role !== user.role || pending.partnerId !== user.partnerId) {
        await this.audit.record({ actor: actorOf(by), action: 'user.updated', entityType: 'user', entityId: user.id, partnerId: user.partnerId, before: { role: pending.role, partnerId: pending.partnerId }, after: { role: user.role, partnerId: user.partnerId } });
      }
    }
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + INVITE_TTL_HOURS * 3600_000);
    await this.invites.insert({ userId: user.id, tokenHash: sha256(token), expiresAt, invitedBy: by.id });
    await this.audit.record({ actor: actorOf(by), action: 'user.invited', entityType: 'user', entityId: user.id, partnerId: user.partnerId, after: { email: user.email, role: user.role } });
    const inviteUrl = `${this.env.PUBLIC_URL ?? ''}/invite?token=${token}`;
    await this.mail.send({
      to: user.email,
      subject: 'Chorus — invitation',
      text: `${by.name} vous invite sur Chorus. Choisissez votre mot de passe ici (valable ${INVITE_TTL_HOURS} h) :\n${inviteUrl}`,
    });
    return { userId: user.id, token, inviteUrl, expiresAt };
  }

  /** One use, before expiry: sets the password and signs the user in. */
  async acceptInvite(dto: AcceptInviteDto): Promise<SignedIn> {
    const passwordHash = await hashPassword(dto.password);
    const userId = await this.db.transaction(async (tx) => {
      const [invite] = (await tx.query(
        `UPDATE user_invites SET accepted_at = now()
          WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > now()
          RETURNING user_id`,
        [sha256(dto.token)],
      )) as [Array<{ user_id: string }>, number];
      const row = invite[0];
      if (!row) throw new DomainError('invite_invalid', 'This invitation link is unknown, expired or already used. Ask for a new one.');
      const updated = (await tx.query(
        `UPDATE users SET password_hash = $2, name = coalesce($3, name), updated_at = now()
          WHERE id = $1 AND deleted_at IS NULL AND disabled_at IS NULL RETURNING id`,
        [row.user_id, passwordHash, dto.name ?? null],
      )) as [Array<{ id: string }>, number];
      if (!updated[0].length) throw new DomainError('invite_invalid', 'This account is no longer active.');
      // Older invites of the same user die with this one.
      await tx.query(`UPDATE user_invites SET accepted_at = now() WHERE user_id = $1 AND accepted_at IS NULL`, [row.user_id]);
      return row.user_id;
    });
    const user = await this.users.get(userId);
    await this.audit.record({ actor: { userId: user.id, label: user.email }, action: 'user.invite_accepted', entityType: 'user', entityId: user.id, partnerId: user.partnerId });
    return this.openSession(user);
  }

  private async openSession(user: User): Promise<SignedIn> {
    const sessionId = await this.sessions.open(user.id);
    return {
      accessToken: await this.tokens.sign('access', user.id, sessionId),
      tokenType: 'Bearer',
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      sessionToken: await this.tokens.sign('session', user.id, sessionId),
      user: publicUser(user),
    };
  }
}
