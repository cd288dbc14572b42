import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Channel } from '../../channels/channel.entity';
import { HttpMediaFetcher } from '../../channels/media/media-fetcher';
import { Network } from '../../channels/network';
import { ENV, Env } from '../../config/env';
import { DomainError } from '../../common/errors/domain-error';
import { Campaign } from '../campaign.entity';
import { PostContentDto } from './dto/create-post.dto';
import { mentionOn } from './validation/mentions';
import { PartnerMention, placeholderSlugs } from './validation/placeholders';
import { instagramImageProblems } from './validation/instagram-images';
import { PostValidation, validatePost } from './validation/validate-post';

export interface ComposedPost {
  validation: PostValidation;
  channels: Channel[];
  /** Featured partners: those given plus those named by placeholders. */
  featuredPartnerIds: string[];
}

/**
 * Turns a post's content into what each target channel will receive: checks the targets
 * belong to the campaign's partners, resolves `{{partner:slug}}` per network and validates
 * the result as each network counts. Shared by create, edit and the composer's preview.
 */
@Injectable()
export class PostComposerService {
  private readonly mediaFetcher: HttpMediaFetcher;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(ENV) env: Env,
  ) {
    this.mediaFetcher = new HttpMediaFetcher({ allowPrivateHosts: env.MEDIA_ALLOW_PRIVATE_HOSTS === 'true', maxBytes: env.MEDIA_MAX_MB * 1024 * 1024, timeoutMs: 5000 });
  }

  async compose(campaign: Campaign, content: PostContentDto): Promise<ComposedPost> {
    const memberIds = (campaign.partners ?? []).map((p) => p.id);
    const memberChannels = memberIds.length
      ? await this.dataSource.getRepository(Channel).find({ where: memberIds.map((partnerId) => ({ partnerId })), order: { createdAt: 'ASC' } })
      : [];
    const channels = await this.requireTargets(campaign, content.channelIds, memberChannels);

    const featured = new Set(content.featuredPartnerIds ?? []);
    const outsiders = [...featured].filter((id) => !memberIds.includes(id));
    if (outsiders.length) {
      throw DomainError.validation(`featuredPartnerIds: partner(s) ${outsiders.join(', ')} are not members of campaign "${campaign.slug}".`, {
        field: 'featuredPartnerIds',
        notMembers: outsiders,
      });
    }
    const mentions = this.mentions(campaign, memberChannels);
    const texts = [content.baseText, ...Object.values(content.variants ?? {})];
    for (const slug of texts.flatMap((t) => placeholderSlugs(t))) {
      const partner = (campaign.partners ?? []).find((p) => p.slug === slug);
      if (partner) featured.add(partner.id);
    }

    const slugById = new Map((campaign.partners ?? []).map((p) => [p.id, p.slug]));
    const targets = channels.map((c) => ({
      channelId: c.id,
      network: c.network,
      partnerSlug: slugById.get(c.partnerId) ?? '',
      handle: c.handle,
      maxCharacters: c.maxCharacters,
    }));
    const validation = validatePost({
      baseText: content.baseText,
      variants: content.variants,
      link: content.link ?? null,
      media: content.media ?? [],
      partners: mentions,
      targets,
    });
    // What only the image files can tell (their format and size), read from their headers.
    const fileProblems = await instagramImageProblems(content.media ?? [], targets, this.mediaFetcher);
    for (const problem of fileProblems) validation.targets.find((t) => t.channelId === problem.channelId)?.problems.push(problem);
    validation.problems.push(...fileProblems);
    validation.ok = validation.problems.length === 0;
    return { validation, channels, featuredPartnerIds: [...featured] };
  }

  private async requireTargets(campaign: Campaign, channelIds: string[], memberChannels: Channel[]): Promise<Channel[]> {
    const unique = [...new Set(channelIds)];
    if (unique.length !== channelIds.length) {
      throw DomainError.validation('channelIds: a channel is listed twice; each channel gets one delivery.', { field: 'channelIds' });
    }
    const byId = new Map(memberChannels.map((c) => [c.id, c]));
    const notMember = unique.filter((id) => !byId.has(id));
    if (notMember.length) {
      const existing = await this.dataSource.getRepository(Channel).find({ where: notMember.map((id) => ({ id })), select: { id: true } });
      const unknown = notMember.filter((id) => !existing.some((c) => c.id === id));
      const foreign = notMember.filter((id) => existing.some((c) => c.id === id));
      throw DomainError.validation(
        [
          unknown.length ? `Unknown channel id(s): ${unknown.join(', ')}.` : '',
          foreign.length ? `Channel(s) ${foreign.join(', ')} belong to partners that are not members of campaign "${campaign.slug}".` : '',
        ].filter(Boolean).join(' '),
        { field: 'channelIds', unknownChannelIds: unknown, channelsOfNonMembers: foreign },
      );
    }
    const disabled = unique.filter((id) => byId.get(id)!.status === 'disabled');
    if (disabled.length) {
      throw DomainError.validation(`channelIds: channel(s) ${disabled.join(', ')} are disabled.`, { field: 'channelIds', disabledChannelIds: disabled });
    }
    return unique.map((id) => byId.get(id)!);
  }

  /** Each member's mention per network, from its first non-disabled channel there. */
  private mentions(campaign: Campaign, memberChannels: Channel[]): PartnerMention[] {
    return (campaign.partners ?? []).map((partner) => {
      const handles: Partial<Record<Network, string>> = {};
      for (const c of memberChannels) {
        if (c.partnerId !== partner.id || c.status === 'disabled' || handles[c.network]) continue;
        const mention = mentionOn(c, partner.name);
        if (mention) handles[c.network] = mention;
      }
      return { slug: partner.slug, name: partner.name, handles };
    });
  }
}
