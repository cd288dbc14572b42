import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AuditActor, AuditService } from '../../audit/audit.service';
import { actorOf, AuthenticatedUser } from '../../auth/authenticated-user';
import { PublishScheduler } from '../../queue/publish-scheduler.service';
import { TrackedLinkService } from '../../analytics/links/tracked-link.service';
import { ENV, Env } from '../../config/env';
import { ApprovalService } from '../approvals/approval.service';
import { ApprovalRevisionService } from '../approvals/approval-revision.service';
import { ChangedDelivery, DeliveryRepository } from '../deliveries/delivery.repository';
import { DomainError } from '../../common/errors/domain-error';
import { Viewer } from '../../common/viewer';
import { Action } from '../actions/action.entity';
import { Campaign } from '../campaign.entity';
import { parseTimeField } from '../campaign-time';
import { CampaignService } from '../campaign.service';
import { Track } from '../tracks/track.entity';
import { CreatePostDto, PostContentDto } from './dto/create-post.dto';
import { UpdatePostDto } from './dto/update-post.dto';
import { ComposedPost, PostComposerService } from './post-composer.service';
import { PostVariant } from './post-variant.entity';
import { Post } from './post.entity';
import { PostView, PostViewService } from './post-view.service';

const CONTENT_FIELDS = ['baseText', 'variants', 'link', 'media', 'featuredPartnerIds', 'channelIds'] as const;

@Injectable()
export class PostService {
  constructor(
    @InjectRepository(Post) private readonly posts: Repository<Post>,
    private readonly campaigns: CampaignService,
    private readonly composer: PostComposerService,
    private readonly views: PostViewService,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly scheduler: PublishScheduler,
    private readonly deliveries: DeliveryRepository,
    private readonly approvals: ApprovalService,
    private readonly revisions: ApprovalRevisionService,
    private readonly links: TrackedLinkService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  /** What each channel would receive, and every problem, without saving anything (the composer's preview). */
  async preview(campaignId: string, content: PostContentDto) {
    const campaign = await this.campaigns.require(campaignId);
    const { validation } = await this.composer.compose(campaign, content);
    return validation;
  }

  async create(campaignId: string, dto: CreatePostDto, actor: AuditActor): Promise<PostView> {
    const campaign = await this.campaigns.require(campaignId);
    const scheduledAt = parseTimeField('scheduledAt', dto.scheduledAt, campaign.timeZone, { now: new Date() });
    await this.requireTrackAndAction(campaignId, dto.trackId, dto.actionId);
    const composed = await this.composeOrFail(campaign, dto);

    const id = await this.dataSource.transaction(async (tx) => {
      const post = await tx.getRepository(Post).save(
        tx.getRepository(Post).create({
          campaignId,
          trackId: dto.trackId ?? null,
          actionId: dto.actionId ?? null,
          baseText: dto.baseText,
          link: dto.link?.trim() || null,
          media: dto.media ?? [],
          scheduledAt,
          version: 1,
          submittedAt: null,
          cancelledAt: null,
          createdBy: actor.userId,
        }),
      );
      await this.writeContent(tx, post, dto, composed);
      await this.audit.record(
        { actor, action: 'post.created', entityType: 'post', entityId: post.id, campaignId, postId: post.id, after: { version: 1, scheduledAt, channels: composed.channels.length } },
        tx,
      );
      return post.id;
    });
    return this.views.get(id);
  }

  get(id: string, viewer?: Viewer): Promise<PostView> {
    return this.views.get(id, viewer);
  }

  async list(campaignId: string, filter: { from?: Date; to?: Date }, viewer?: Viewer) {
    await this.campaigns.require(campaignId, viewer);
    return this.views.list(campaignId, filter, viewer);
  }

  /**
   * A content edit bumps the version: every delivery's text is resolved again and, once the post
   * was submitted, its partners are asked again. Moving the schedule alone keeps the version and
   * the approvals, and moves the deliveries' wake-ups with it (Redis only within the publish horizon).
   */
  async update(id: string, dto: UpdatePostDto, user: AuthenticatedUser): Promise<PostView> {
    const actor = actorOf(user);
    const current = await this.views.get(id);
    if (current.cancelledAt) throw new DomainError('state_conflict', 'This post is cancelled; it can no longer be edited.');
    const started = current.deliveries.filter((d) => d.status === 'publishing' || d.status === 'published');
    const contentChanged = CONTENT_FIELDS.some((f) => dto[f] !== undefined);
    if (started.length && (contentChanged || dto.scheduledAt !== undefined)) {
      throw new DomainError('state_conflict', `This post is already published (or publishing) on ${started.length} channel(s); write a new post instead of editing it.`, {
        deliveryIds: started.map((d) => d.id),
      });
    }
    const campaign = await this.campaigns.require(current.campaignId);
    const scheduledAt = dto.scheduledAt !== undefined ? parseTimeField('scheduledAt', dto.scheduledAt, campaign.timeZone, { now: new Date() }) : null;
    await this.requireTrackAndAction(current.campaignId, dto.trackId, dto.actionId);
    const content: PostContentDto = {
      baseText: dto.baseText ?? current.baseText,
      variants: dto.variants ?? current.variants,
      link: dto.link ?? current.link ?? undefined,
      media: dto.media ?? current.media,
      featuredPartnerIds: dto.featuredPartnerIds ?? current.featuredPartnerIds,
      channelIds: dto.channelIds ?? current.deliveries.map((d) => d.channelId),
    };
    const composed = contentChanged ? await this.composeOrFail(campaign, content) : null;

    const outcome = await this.dataSource.transaction(async (tx) => {
      // Lock the post row so two edits cannot both bump from the same version.
      const post = await tx.getRepository(Post).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!post) throw DomainError.notFound('post', id);
      if (post.version !== current.version) throw new DomainError('state_conflict', 'The post changed while you were editing it; reload and try again.');
      const before = { version: post.version, scheduledAt: post.scheduledAt, baseText: post.baseText };
      if (dto.trackId !== undefined) post.trackId = dto.trackId;
      if (dto.actionId !== undefined) post.actionId = dto.actionId;
      let moved: ChangedDelivery[] = [];
      if (scheduledAt) {
        post.scheduledAt = scheduledAt;
        // Not-yet-final deliveries move with the post; their jobs follow after the commit.
        moved = await this.deliveries.moveWaiting(tx, id, scheduledAt);
      }
      if (composed) {
        post.version += 1;
        post.baseText = content.baseText;
        post.link = content.link?.trim() || null;
        post.media = content.media ?? [];
      }
      await tx.getRepository(Post).save(post);
      if (composed) await this.writeContent(tx, post, content, composed);
      await this.audit.record(
        {
          actor,
          action: composed ? 'post.edited' : 'post.rescheduled',
          entityType: 'post',
          entityId: id,
          campaignId: post.campaignId,
          postId: id,
          before,
          after: { version: post.version, scheduledAt: post.scheduledAt, baseText: post.baseText },
        },
        tx,
      );
      return { moved, submitted: !!post.submittedAt };
    });
    if (composed && outcome.submitted) {
      // "An edit after approval asks again": the new version goes to the partners.
      await this.approvals.submit(id, user);
    } else if (scheduledAt) {
      await this.scheduler.follow(outcome.moved);
    }
    // A refusal is often about the date: moving the post asks the partners that refused it again.
    if (scheduledAt && !composed && outcome.submitted) await this.revisions.askRefusedAgain(id, user);
    return this.views.get(id);
  }

  private async composeOrFail(campaign: Campaign, content: PostContentDto): Promise<ComposedPost> {
    const composed = await this.composer.compose(campaign, content);
    if (!composed.validation.ok) {
      const count = composed.validation.problems.length;
      throw new DomainError(
        'post_invalid_for_network',
        `The post cannot go out as written (${count} problem${count > 1 ? 's' : ''}): ${composed.validation.problems.map((p) => p.message).join(' ')}`,
        { problems: composed.validation.problems, targets: composed.validation.targets },
      );
    }
    return composed;
  }

  /**
   * Writes variants, featured partners and one delivery per target channel for the post's
   * current version. Deliveries of channels no longer targeted are removed; the others get the
   * new text and wait for approval of the new version.
   */
  private async writeContent(tx: EntityManager, post: Post, content: PostContentDto, composed: ComposedPost): Promise<void> {
    await tx.getRepository(PostVariant).delete({ postId: post.id });
    const variants = Object.entries(content.variants ?? {}).filter(([, text]) => typeof text === 'string' && text.trim() !== '');
    if (variants.length) {
      await tx.getRepository(PostVariant).insert(variants.map(([network, text]) => ({ postId: post.id, network: network as PostVariant['network'], text: text as string })));
    }
    await tx.query(`DELETE FROM post_featured_partners WHERE post_id = $1`, [post.id]);
    if (composed.featuredPartnerIds.length) {
      await tx.query(`INSERT INTO post_featured_partners (post_id, partner_id) SELECT $1, unnest($2::uuid[])`, [post.id, composed.featuredPartnerIds]);
    }
    await this.deliveries.writeVersion(
      tx,
      post.id,
      post.version,
      post.scheduledAt,
      composed.validation.targets.map((t) => ({ channelId: t.channelId, text: t.text, link: composed.validation.link })),
    );
    await this.useTrackedLinks(tx, post);
  }

  /**
   * Where Chorus has a public address (PUBLIC_URL), each delivery's copy of the post's link becomes
   * its own short link (`/l/:code`), which redirects with UTM tags and counts clicks. Done before
   * approval, so partners approve exactly the text that goes out; the delivery's resolved_link
   * becomes that short link too, for networks that carry the link beside the text.
   */
  private async useTrackedLinks(tx: EntityManager, post: Post): Promise<void> {
    if (!this.env.PUBLIC_URL || !post.link) return;
    const deliveries: Array<{ id: string }> = await tx.query(`SELECT id FROM deliveries WHERE post_id = $1`, [post.id]);
    for (const { id } of deliveries) {
      const link = await this.links.linkFor(id, tx);
      if (link) await this.deliveries.useLinkInText(tx, id, post.link, link.shortUrl);
    }
  }

  private async requireTrackAndAction(campaignId: string, trackId?: string, actionId?: string): Promise<void> {
    if (trackId && !(await this.dataSource.getRepository(Track).existsBy({ id: trackId, campaignId }))) {
      throw DomainError.validation(`trackId: track ${trackId} is not a track of this campaign.`, { field: 'trackId' });
    }
    if (actionId && !(await this.dataSource.getRepository(Action).existsBy({ id: actionId, campaignId }))) {
      throw DomainError.validation(`actionId: action ${actionId} is not an action of this campaign.`, { field: 'actionId' });
    }
  }
}
