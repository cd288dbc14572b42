import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { deriveKey } from '../../auth/secrets';
import { DomainError } from '../../common/errors/domain-error';
import { ENV, Env } from '../../config/env';
import { ApprovalInboxService } from './approval-inbox.service';
import { ApprovalService, DecisionResult } from './approval.service';
import type { ApprovalDecision } from './approval.entity';

/** A link is valid this long at most, and never past the post's minute (a decision after it changes nothing). */
export const APPROVAL_LINK_MAX_TTL_MS = 7 * 24 * 3600_000;
const PURPOSE = 'approval';

interface LinkClaims {
  purpose: typeof PURPOSE;
  post: string;
  v: number;
  partner: string;
  jti: string;
}

export interface ApprovalLink {
  partnerId: string;
  partnerName: string;
  version: number;
  token: string;
  url: string;
  expiresAt: string;
}

/**
 * Approve without a password: a signed, single-purpose, expiring token scoped to one
 * (post, version, partner), answerable once (its jti is recorded when used).
 */
@Injectable()
export class ApprovalLinkService {
  private readonly secret: Buffer;

  constructor(
    private readonly jwt: JwtService,
    private readonly db: DataSource,
    private readonly approvals: ApprovalService,
    private readonly inbox: ApprovalInboxService,
    @Inject(ENV) private readonly env: Env,
  ) {
    this.secret = deriveKey(env.CHORUS_SECRET_KEY, 'approval-link');
  }

  async issue(postId: string, version: number, partnerId: string, expiresAt?: Date): Promise<{ token: string; expiresAt: Date }> {
    let exp = expiresAt;
    if (!exp) {
      const [post] = (await this.db.query(`SELECT scheduled_at FROM posts WHERE id = $1`, [postId])) as Array<{ scheduled_at: Date }>;
      const max = Date.now() + APPROVAL_LINK_MAX_TTL_MS;
      exp = new Date(post && post.scheduled_at.getTime() > Date.now() ? Math.min(max, post.scheduled_at.getTime()) : max);
    }
    const claims: LinkClaims & { exp: number } = { purpose: PURPOSE, post: postId, v: version, partner: partnerId, jti: randomUUID(), exp: Math.floor(exp.getTime() / 1000) };
    const token = await this.jwt.signAsync(claims, { secret: this.secret, algorithm: 'HS256' });
    return { token, expiresAt: exp };
  }

  /** Links for every targeted partner still awaited on the current version (the operator excepted: the manager decides). */
  async linksForPost(postId: string): Promise<ApprovalLink[]> {
    const status = await this.approvals.status(postId);
    if (status.cancelledAt) throw new DomainError('state_conflict', 'This post is cancelled.');
    if (!status.submittedAt) throw new DomainError('state_conflict', 'Submit the post before sending approval links.');
    const links: ApprovalLink[] = [];
    for (const p of status.partners) {
      if (p.state !== 'pending' || p.partnerId === status.operatorPartnerId) continue;
      const { token, expiresAt } = await this.issue(postId, status.version, p.partnerId);
      links.push({ partnerId: p.partnerId, partnerName: p.partnerName, version: status.version, token, url: this.url(token), expiresAt: expiresAt.toISOString() });
    }
    return links;
  }

  url(token: string): string {
    return `${this.env.PUBLIC_URL ?? ''}/approve/${token}`;
  }

  /** What the link's holder is asked to approve: exactly what will go out on each of its partner's channels. */
  async view(token: string) {
    const claims = await this.verify(token);
    const [post] = (await this.db.query(
      `SELECT p.id, p.version, p.scheduled_at, p.link, p.media, p.cancelled_at, camp.name AS campaign_name, pa.name AS partner_name
         FROM posts p JOIN campaigns camp ON camp.id = p.campaign_id JOIN partners pa ON pa.id = $2
        WHERE p.id = $1`,
      [claims.post, claims.partner],
    )) as Array<{ id: string; version: number; scheduled_at: Date; link: string | null; media: unknown; cancelled_at: Date | null; campaign_name: string; partner_name: string }>;
    if (!post) throw new DomainError('approval_link_invalid', 'This approval link points to a post that no longer exists.');
    const used = await this.db.query(`SELECT used_at FROM approval_link_uses WHERE jti = $1`, [claims.jti]);
    const [decision] = (await this.db.query(
      `SELECT decision, comment, decided_at AS "decidedAt" FROM approvals WHERE post_id = $1 AND partner_id = $2 AND post_version = $3 AND superseded_at IS NULL`,
      [claims.post, claims.partner, claims.v],
    )) as Array<{ decision: ApprovalDecision; comment: string; decidedAt: Date }>;
    return {
      postId: post.id,
      campaignName: post.campaign_name,
      partnerId: claims.partner,
      partnerName: post.partner_name,
      version: claims.v,
      outdated: post.version !== claims.v,
      cancelled: post.cancelled_at !== null,
      used: used.length > 0,
      decision: decision ?? null,
      scheduledAt: post.scheduled_at,
      link: post.link,
      media: post.media,
      deliveries: await this.inbox.deliveriesFor(post.id, claims.partner, claims.v),
    };
  }

  /** Records the decision and burns the link in one transaction: if the decision is refused, the link stays unused. */
  async answer(token: string, input: { decision: ApprovalDecision; comment?: string }): Promise<DecisionResult> {
    const claims = await this.verify(token);
    const [partner] = (await this.db.query(`SELECT slug FROM partners WHERE id = $1`, [claims.partner])) as Array<{ slug: string }>;
    const result = await this.db.transaction((tx) =>
      this.approvals.decideWithLock(
        tx,
        {
          postId: claims.post, partnerId: claims.partner, version: claims.v, decision: input.decision, comment: input.comment ?? '',
          actor: { userId: null, label: `approval-link:${partner?.slug ?? claims.partner}` }, userId: null, via: 'link',
        },
        async () => {
          const burnt = (await tx.query(
            `INSERT INTO approval_link_uses (jti, post_id, partner_id, post_version) VALUES ($1, $2, $3, $4)
             ON CONFLICT (jti) DO NOTHING RETURNING jti`,
            [claims.jti, claims.post, claims.partner, claims.v],
          )) as Array<{ jti: string }>;
          if (!burnt.length) throw new DomainError('approval_link_used', 'This approval link has already been used.');
        },
      ),
    );
    await this.approvals.afterDecision(result);
    return result;
  }

  private async verify(token: string): Promise<LinkClaims> {
    let claims: LinkClaims;
    try {
      claims = await this.jwt.verifyAsync<LinkClaims>(token, { secret: this.secret, algorithms: ['HS256'] });
    } catch (err) {
      if ((err as Error).name === 'TokenExpiredError') {
        throw new DomainError('approval_link_expired', 'This approval link has expired. Ask the campaign manager for a new one.');
      }
      throw new DomainError('approval_link_invalid', 'This approval link is not valid.');
    }
    const uuid = /^[0-9a-f-]{36}$/i;
    if (claims.purpose !== PURPOSE || !uuid.test(String(claims.post)) || !uuid.test(String(claims.partner)) || !uuid.test(String(claims.jti)) || !Number.isInteger(claims.v)) {
      throw new DomainError('approval_link_invalid', 'This approval link is not valid.');
    }
    return claims;
  }
}
