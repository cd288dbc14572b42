import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, IsNull, Repository } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { DomainError } from '../common/errors/domain-error';
import { ENV, Env } from '../config/env';
import { MailService } from '../notifications/mail.service';
import { actorOf, AuthenticatedUser } from './authenticated-user';
import { AcceptInviteDto } from './dto/accept-invite.dto';
import { CreateInviteDto } from './dto/create-invite.dto';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password';
import { SessionStore } from './session.store';
import { ACCESS_TOKEN_TTL_SECONDS, TokenService } from './token.service';
import { TokenPurpose, UserInvite } from './user-invite.entity';
import { User } from './user.entity';
import { UserService } from './user.service';

export const INVITE_TTL_HOURS = 72;
export const RESET_TTL_HOURS = 1;

export interface Invitation {
  userId: string;
  token: string;
  inviteUrl: string;
  expiresAt: Date;
  /** Whether the link went out by e-mail (otherwise the manager passes it on). */
  mailed: boolean;
}

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

  async invite(by: AuthenticatedUser, dto: CreateInviteDto): Promise<Invitation> {
    return this.issueInvite(actorOf(by), by.id, by.name, dto);
  }

  /** `npm run user:create`: an invitation issued from the server's command line (e.g. a new deployment's first manager). */
  inviteFromCommandLine(dto: CreateInviteDto): Promise<Invitation> {
    return this.issueInvite({ userId: null, label: 'command line' }, null, 'L’administrateur', dto);
  }

  private async issueInvite(actor: AuditActor, invitedBy: string | null, inviterName: string, dto: CreateInviteDto): Promise<Invitation> {
    const existing = await this.users.findByEmail(dto.email);
    if (existing && !existing.deletedAt) {
      const hasPassword = await this.db.query(`SELECT 1 FROM users WHERE id = $1 AND password_hash IS NOT NULL`, [existing.id]);
      if (hasPassword.length) throw new DomainError('conflict', `${dto.email} already has an account.`, { field: 'email', reason: 'account_exists' });
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
        await this.audit.record({ actor, action: 'user.updated', entityType: 'user', entityId: user.id, partnerId: user.partnerId, before: { role: pending.role, partnerId: pending.partnerId }, after: { role: user.role, partnerId: user.partnerId } });
      }
    }
    const { token, expiresAt } = await this.issueToken(user.id, 'invite', invitedBy);
    await this.audit.record({ actor, action: 'user.invited', entityType: 'user', entityId: user.id, partnerId: user.partnerId, after: { email: user.email, role: user.role } });
    const inviteUrl = `${this.env.PUBLIC_URL ?? ''}/invite?token=${token}`;
    const mailed = await this.mail.send({
      to: user.email,
      subject: 'Chorus — invitation',
      text: `${inviterName} vous invite sur Chorus. Choisissez votre mot de passe ici (valable ${INVITE_TTL_HOURS} h) :\n${inviteUrl}`,
    });
    return { userId: user.id, token, inviteUrl, expiresAt, mailed };
  }

  /** Stores the SHA-256 of a fresh one-time token that lets its holder set the user's password. */
  private async issueToken(userId: string, purpose: TokenPurpose, invitedBy: string | null): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const hours = purpose === 'invite' ? INVITE_TTL_HOURS : RESET_TTL_HOURS;
    const expiresAt = new Date(Date.now() + hours * 3600_000);
    await this.invites.insert({ userId, tokenHash: sha256(token), expiresAt, invitedBy, purpose });
    return { token, expiresAt };
  }

  /** One use, before expiry: sets the password and signs the user in. */
  acceptInvite(dto: AcceptInviteDto): Promise<SignedIn> {
    return this.redeem(dto, 'invite');
  }

  /** The reset link's page: the same as accepting an invitation, with a reset token. */
  resetPassword(dto: AcceptInviteDto): Promise<SignedIn> {
    return this.redeem(dto, 'reset');
  }

  /**
   * Mails a reset link when the address belongs to an active account. Answers the same whether
   * or not it does, so the form does not tell who has an account; refused when mail is off (the
   * page then tells the user to ask a manager for a new invitation).
   */
  async requestPasswordReset(email: string): Promise<void> {
    if (!this.mail.enabled) throw new DomainError('service_unavailable', 'Password reset by e-mail is not configured here: ask a manager for a new invitation.', { reason: 'mail_disabled' });
    const user = await this.users.findByEmail(email);
    if (!user || user.deletedAt || user.disabledAt) return;
    const { token } = await this.issueToken(user.id, 'reset', null);
    await this.audit.record({ actor: { userId: null, label: email }, action: 'user.password_reset_requested', entityType: 'user', entityId: user.id, partnerId: user.partnerId });
    const url = `${this.env.PUBLIC_URL ?? ''}/app/reset-password?token=${token}`;
    await this.mail.send({
      to: user.email,
      subject: 'Chorus — nouveau mot de passe',
      text: `Pour choisir un nouveau mot de passe Chorus, ouvrez ce lien (valable ${RESET_TTL_HOURS} h, une seule fois) :\n${url}\n\nSi vous n’avez rien demandé, ignorez ce message : votre mot de passe ne change pas.`,
    });
  }

  /** The signed-in user's own password: the current one first. */
  async changePassword(user: AuthenticatedUser, currentPassword: string, newPassword: string): Promise<void> {
    const row = await this.users.findForLogin(user.email);
    if (!row || row.id !== user.id || !row.passwordHash || !(await verifyPassword(row.passwordHash, currentPassword))) {
      throw DomainError.validation('The current password is wrong.', [{ field: 'currentPassword', problems: ['The current password is wrong.'], codes: ['wrongPassword'] }]);
    }
    await this.users.setPassword(user.id, newPassword);
    await this.audit.record({ actor: actorOf(user), action: 'user.password_changed', entityType: 'user', entityId: user.id, partnerId: user.partnerId });
  }

  /** What the sign-in page offers: a reset link when mail works, the first-run form while nobody has an account. */
  async signInOptions(): Promise<{ passwordReset: boolean; firstRun: boolean }> {
    const [row] = (await this.db.query(`SELECT EXISTS (SELECT 1 FROM users) AS any`)) as Array<{ any: boolean }>;
    return { passwordReset: this.mail.enabled, firstRun: !row?.any };
  }

  /**
   * A new deployment's first manager, from the sign-in page: only while no user exists at all
   * (checked under a lock, so two first runs cannot both win). Afterwards managers invite.
   */
  async firstRun(dto: { email: string; name: string; password: string }): Promise<SignedIn> {
    const passwordHash = await hashPassword(dto.password);
    const userId = await this.db.transaction(async (tx) => {
      await tx.query(`LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`);
      const [row] = (await tx.query(`SELECT EXISTS (SELECT 1 FROM users) AS any`)) as Array<{ any: boolean }>;
      if (row?.any) throw new DomainError('forbidden', 'This deployment already has users: ask a manager for an invitation.', { reason: 'first_run_done' });
      const [created] = (await tx.query(
        `INSERT INTO users (email, name, role, locale, password_hash) VALUES ($1, $2, 'manager', 'fr', $3) RETURNING id`,
        [dto.email.trim(), dto.name.trim(), passwordHash],
      )) as Array<{ id: string }>;
      return created!.id;
    });
    const user = await this.users.get(userId);
    await this.audit.record({ actor: { userId: user.id, label: user.email }, action: 'user.first_manager', entityType: 'user', entityId: user.id, partnerId: null });
    return this.openSession(user);
  }

  private async redeem(dto: AcceptInviteDto, purpose: TokenPurpose): Promise<SignedIn> {
    const passwordHash = await hashPassword(dto.password);
    const userId = await this.db.transaction(async (tx) => {
      const [invite] = (await tx.query(
        `UPDATE user_invites SET accepted_at = now()
          WHERE token_hash = $1 AND purpose = $2 AND accepted_at IS NULL AND expires_at > now()
          RETURNING user_id`,
        [sha256(dto.token), purpose],
      )) as [Array<{ user_id: string }>, number];
      const row = invite[0];
      if (!row) throw new DomainError('invite_invalid', 'This link is unknown, expired or already used. Ask for a new one.', { purpose });
      const updated = (await tx.query(
        `UPDATE users SET password_hash = $2, name = coalesce($3, name), updated_at = now()
          WHERE id = $1 AND deleted_at IS NULL AND disabled_at IS NULL RETURNING id`,
        [row.user_id, passwordHash, dto.name ?? null],
      )) as [Array<{ id: string }>, number];
      if (!updated[0].length) throw new DomainError('invite_invalid', 'This account is no longer active.', { purpose });
      // Older links of the same user die with this one.
      await tx.query(`UPDATE user_invites SET accepted_at = now() WHERE user_id = $1 AND accepted_at IS NULL`, [row.user_id]);
      return row.user_id;
    });
    const user = await this.users.get(userId);
    await this.audit.record({ actor: { userId: user.id, label: user.email }, action: purpose === 'invite' ? 'user.invite_accepted' : 'user.password_reset', entityType: 'user', entityId: user.id, partnerId: user.partnerId });
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
