import http from 'node:http';
import { imageInfo } from '../../src/channels/media/image-info';
import { BaseEmulator, EmulatedPost, EmulatorRequest, Fault, sendJson } from './emulator';
import { emulatorImage } from './test-images';
import {
  answerGraphFault,
  finishAfterCommit,
  GENERIC_GRAPH_FAULTS,
  GraphFaultOptions,
  graphPagedBody,
  graphPageRequest,
  graphParams,
  graphTime,
  graphToken,
  GRAPH_ERRORS,
  rejectBadVersion,
  rejectToken,
  sendGraphError,
  sendUnsupportedGet,
  stripVersion,
  TokenState,
  usageHeaders,
} from './graph.emulator-helpers';

/**
 * Instagram Graph API content-publishing emulator — docs/networks.md, Instagram Any `/vNN.N/` prefix.
 *
 * Routes: POST /{ig-user}/media (image_url | media_type=REELS&video_url | is_carousel_item |
 * media_type=CAROUSEL&children, caption, alt_text) · GET /{container}?fields=status_code,status ·
 * POST /{ig-user}/media_publish?creation_id= · GET /{ig-user}/media · GET /{ig-user}
 * ?fields=followers_count,media_count,username · GET /{media} · GET /{ig-user}/content_publishing_limit.
 * An image_url is fetched, as Meta does: an unreachable one answers 9004/2207052, a non-JPEG
 * 36001/2207005, a JPEG outside 4:5–1.91:1 36003/2207009 (docs/networks.md, Instagram). Videos are
 * not fetched. Test images: GET /_emulator/image?w=&h=&format=jpeg|png (headers only).
 *
 * Faults: `on` is 'publish' (media_publish), 'container' (container creation), 'status' (container
 * status reads), 'any', or a path prefix WITHOUT the version. Generic Graph faults (see
 * answerGraphFault; rate_limit defaults to code 80002 with a BUC header of type instagram) work
 * everywhere; server_error_after_commit and connection_reset {afterCommit} publish first on
 * 'publish' and create the container first on 'container'. Instagram-specific ones:
 * - container_in_progress {polls=N, then='FINISHED'|'ERROR'|'EXPIRED', status?} on 'container':
 *   the new container answers IN_PROGRESS to N status reads, then `then`. ERROR carries `status`
 *   (default "Error: The image size is too large. with error code 2207004").
 * - container_error {status?} on 'container': ERROR at the first status read.
 * - media_fetch_failed on 'container': 400 code 9004/2207052 "The media could not be fetched…".
 * - quota_exceeded on 'publish': 400 code 9/2207042.
 * - not_ready on 'publish': 400 code 9007/2207027 even if the container is FINISHED.
 * - spam on 'publish': 400 code 4/2207051.
 * Natural behaviour: media_publish of a container that is not FINISHED → 9007/2207027 (ERROR →
 * -1/2207032, EXPIRED or already published → 24/2207008 [INFERRED]); more than `publishQuota`
 * publications in 24 h → 9/2207042; caption over 2,200 characters → 36004/2207010; bad or other
 * account's token → 190 or (#200).
 */

export interface InstagramEmulatorAccount {
  id: string;
  username: string;
  token: string;
  followers?: number;
  /** Media published before the emulator started (added to media_count). */
  mediaCount?: number;
}

export interface InstagramEmulatorOptions {
  accounts: InstagramEmulatorAccount[];
  /** Publications allowed per rolling 24 h (docs/networks.md, Instagram). Default 50. */
  publishQuota?: number;
  /** Status reads a new container answers IN_PROGRESS before FINISHED, without faults. Default 0. */
  containerPolls?: number;
  recordRequests?: number;
  now?: () => number;
}

type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';

interface Container {
  id: string;
  accountId: string;
  mediaType: 'IMAGE' | 'REELS' | 'CAROUSEL';
  imageUrl?: string;
  videoUrl?: string;
  caption: string;
  altText?: string;
  children: string[];
  carouselItem: boolean;
  pollsLeft: number;
  then: ContainerStatus;
  errorStatus: string;
  status: ContainerStatus;
}

interface Media {
  id: string;
  accountId: string;
  caption: string;
  mediaType: string;
  timestamp: Date;
}

interface AccountState {
  id: string;
  username: string;
  token: string;
  tokenState: TokenState;
  mediaCount: number;
  media: Media[];
  faultOptions: GraphFaultOptions;
}

const CONTAINER_FAULTS = new Set(['container_in_progress', 'container_error', 'media_fetch_failed']);
const PUBLISH_FAULTS = new Set(['quota_exceeded', 'not_ready', 'spam']);

export class InstagramEmulator extends BaseEmulator {
  private readonly accounts = new Map<string, AccountState>();
  private readonly byToken = new Map<string, AccountState>();
  private readonly containers = new Map<string, Container>();
  private readonly media = new Map<string, Media>();
  private readonly options: InstagramEmulatorOptions;
  private sequence = 17_889_455_560_051_444n;

  constructor(options: InstagramEmulatorOptions) {
    super();
    this.options = options;
    this.maxRecordedRequests = options.recordRequests ?? 1000;
    for (const a of options.accounts) this.addAccount(a);

    // Before the Graph routes, which would take any /a/b path for a node read.
    this.route('GET', '/_emulator/image', (req, res) => {
      const image = emulatorImage(req.query);
      res.writeHead(200, { 'content-type': image.contentType, 'content-length': image.bytes.length });
      res.end(image.bytes);
    });
    this.route('POST', '/:version/:user/media', (req, res) => this.createContainer(req, res));
    this.route('POST', '/:version/:user/media_publish', (req, res) => this.publish(req, res));
    this.route('GET', '/:version/:user/media', (req, res) => this.listMedia(req, res));
    this.route('GET', '/:version/:user/content_publishing_limit', (req, res) => this.publishingLimit(req, res));
    this.route('GET', '/:version/:node', (req, res) => this.readNode(req, res));
  }

  addAccount(a: InstagramEmulatorAccount): void {
    const state: AccountState = {
      id: a.id,
      username: a.username,
      token: a.token,
      tokenState: 'valid',
      mediaCount: a.mediaCount ?? 0,
      media: [],
      faultOptions: { bucType: 'instagram', defaultThrottleCode: 80002, accountId: a.id },
    };
    this.accounts.set(a.id, state);
    this.byToken.set(a.token, state);
    this.followers.set(a.id, a.followers ?? 0);
  }

  setFollowers(accountId: string, followers: number): void {
    this.followers.set(accountId, followers);
  }

  expireToken(accountId: string): void {
    this.account(accountId).tokenState = 'expired';
  }

  revokeToken(accountId: string): void {
    this.account(accountId).tokenState = 'revoked';
  }

  /** Status of a container as the emulator holds it (without consuming a poll). */
  containerStatus(id: string): ContainerStatus | undefined {
    return this.containers.get(id)?.status;
  }

  get containerCount(): number {
    return this.containers.size;
  }

  private account(id: string): AccountState {
    const a = this.accounts.get(id);
    if (!a) throw new Error(`InstagramEmulator: no account ${id}`);
    return a;
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  private nextId(): string {
    this.sequence += 1n;
    return this.sequence.toString();
  }

  private faultOptions(id: string): GraphFaultOptions {
    return this.accounts.get(id)?.faultOptions ?? { bucType: 'instagram', defaultThrottleCode: 80002, accountId: id };
  }

  private fault(req: EmulatorRequest, isPublish: boolean, operation: string | undefined, specific: Set<string>): Fault | undefined {
    return this.takeFaultFor({
      path: stripVersion(req.path),
      isPublish,
      operation,
      accepts: (f) => GENERIC_GRAPH_FAULTS.has(f.kind) || specific.has(f.kind),
    });
  }

  /** Token check; `ownerId` is the account the node belongs to. */
  private authorize(req: EmulatorRequest, res: http.ServerResponse, params: Record<string, string>, ownerId: string | undefined): AccountState | undefined {
    if (rejectBadVersion(req, res, this.now())) return undefined;
    const token = graphToken(req, params);
    const caller = token ? this.byToken.get(token) : undefined;
    if (rejectToken(res, caller?.tokenState)) return undefined;
    if (!ownerId || !this.accounts.has(ownerId)) {
      sendUnsupportedGet(res);
      return undefined;
    }
    if (caller?.id !== ownerId) {
      sendGraphError(res, 403, GRAPH_ERRORS.permission);
      return undefined;
    }
    return caller;
  }

  private async createContainer(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    const params = graphParams(req);
    const fault = this.fault(req, false, 'container', CONTAINER_FAULTS);
    const outcome = await answerGraphFault(fault, res, this.faultOptions(req.params.user));
    if (outcome === 'handled') return;
    const account = this.authorize(req, res, params, req.params.user);
    if (!account) return;

    const f = (fault ?? { kind: '' }) as Record<string, unknown>;
    const mediaType = (params.media_type ?? 'IMAGE').toUpperCase();
    const url = mediaType === 'REELS' || mediaType === 'VIDEO' ? params.video_url : params.image_url;
    if (fault?.kind === 'media_fetch_failed') {
      return sendGraphError(res, 400, {
        message: 'Only photo or video can be accepted as media type.',
        code: 9004,
        error_subcode: 2207052,
        is_transient: false,
        error_user_title: 'Media download has failed.',
        error_user_msg: `The media could not be fetched from this uri: ${url ?? ''}`,
      });
    }
    const children = (params.children ?? '').split(',').filter(Boolean);
    if (mediaType === 'CAROUSEL') {
      if (children.length < 2 || children.length > 10) {
        return sendGraphError(res, 400, { message: 'Invalid parameter', code: 100, error_subcode: 2207028, error_user_msg: 'The carousel must have between 2 and 10 items.' });
      }
      for (const c of children) {
        const child = this.containers.get(c);
        if (!child || child.accountId !== account.id || !child.carouselItem) {
          return sendGraphError(res, 400, { message: 'Invalid parameter', code: 100, error_user_msg: `Carousel item ${c} is not valid.` });
        }
      }
    } else if (!url || !/^https?:\/\//.test(url)) {
      const param = mediaType === 'REELS' || mediaType === 'VIDEO' ? 'video_url' : 'image_url';
      return sendGraphError(res, 400, { message: `(#100) The parameter ${param} is required`, code: 100 });
    }
    if (mediaType === 'IMAGE' && url && (await this.refuseImage(url, res))) return;
    const caption = params.caption ?? '';
    if ([...caption].length > 2200) {
      return sendGraphError(res, 400, {
        message: 'Invalid parameter',
        code: 36004,
        error_subcode: 2207010,
        error_user_msg: `The submitted image's caption was ${[...caption].length} characters long. The maximum number of characters permitted for a caption is 2200. Please submit media with a shorter caption.`,
      });
    }

    let pollsLeft = this.options.containerPolls ?? 0;
    let then: ContainerStatus = 'FINISHED';
    let errorStatus = 'Error: The image size is too large. with error code 2207004';
    if (fault?.kind === 'container_in_progress') {
      pollsLeft = typeof f.polls === 'number' ? f.polls : 1;
      if (f.then === 'ERROR' || f.then === 'EXPIRED' || f.then === 'FINISHED') then = f.then;
    }
    if (fault?.kind === 'container_error') {
      pollsLeft = 0;
      then = 'ERROR';
    }
    if (typeof f.status === 'string') errorStatus = f.status;

    const container: Container = {
      id: this.nextId(),
      accountId: account.id,
      mediaType: mediaType === 'CAROUSEL' ? 'CAROUSEL' : mediaType === 'REELS' || mediaType === 'VIDEO' ? 'REELS' : 'IMAGE',
      imageUrl: params.image_url,
      videoUrl: params.video_url,
      caption,
      altText: params.alt_text,
      children,
      carouselItem: params.is_carousel_item === 'true',
      pollsLeft,
      then,
      errorStatus,
      status: pollsLeft > 0 ? 'IN_PROGRESS' : then,
    };
    this.containers.set(container.id, container);
    if (finishAfterCommit(outcome, res)) return;
    sendJson(res, 200, { id: container.id }, usageHeaders(account.faultOptions));
  }

  /**
   * Fetches the image as Meta does and answers its refusal, if any: JPEG only, aspect ratio
   * (width / height) from 4:5 to 1.91:1. Returns true when it answered.
   */
  private async refuseImage(url: string, res: http.ServerResponse): Promise<boolean> {
    let bytes: Buffer;
    try {
      const answer = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'follow' });
      if (!answer.ok) throw new Error(String(answer.status));
      bytes = Buffer.from(await answer.arrayBuffer());
    } catch {
      sendGraphError(res, 400, {
        message: 'Only photo or video can be accepted as media type.',
        code: 9004,
        error_subcode: 2207052,
        is_transient: false,
        error_user_title: 'Media download has failed.',
        error_user_msg: `The media could not be fetched from this uri: ${url}`,
      });
      return true;
    }
    const info = imageInfo(bytes);
    if (info.format !== 'jpeg') {
      sendGraphError(res, 400, {
        message: 'Invalid parameter',
        code: 36001,
        error_subcode: 2207005,
        is_transient: false,
        error_user_title: 'Unsupported image format',
        error_user_msg: 'The image format is not supported. Only JPEG images can be published.',
      });
      return true;
    }
    const ratio = info.width && info.height ? info.width / info.height : NaN;
    if (!(ratio >= 0.8 - 1e-3 && ratio <= 1.91 + 1e-3)) {
      sendGraphError(res, 400, {
        message: 'Invalid parameter',
        code: 36003,
        error_subcode: 2207009,
        is_transient: false,
        error_user_title: 'Cannot publish image with an invalid aspect ratio',
        error_user_msg: `The submitted image with aspect ratio ('${info.width ?? '?'}/${info.height ?? '?'}') cannot be published. Please submit an image with a valid aspect ratio.`,
      });
      return true;
    }
    return false;
  }

  private async publish(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    const params = graphParams(req);
    const fault = await this.applyLate(this.fault(req, true, undefined, PUBLISH_FAULTS));
    const outcome = await answerGraphFault(fault, res, this.faultOptions(req.params.user));
    if (outcome === 'handled') return;
    const account = this.authorize(req, res, params, req.params.user);
    if (!account) return;
    if (fault?.kind === 'quota_exceeded') return sendQuota(res);
    if (fault?.kind === 'not_ready') return sendNotReady(res);
    if (fault?.kind === 'spam') {
      return sendGraphError(res, 400, {
        message: 'Action is blocked',
        code: 4,
        error_subcode: 2207051,
        error_user_msg: 'We restrict certain activity to protect our community. Tell us if you think we made a mistake.',
      });
    }

    const container = this.containers.get(params.creation_id ?? '');
    if (!container || container.accountId !== account.id || container.status === 'EXPIRED' || container.status === 'PUBLISHED') {
      return sendGraphError(res, 400, {
        message: 'Invalid parameter',
        code: 24,
        error_subcode: 2207008,
        error_user_msg: `The media builder with creation id = ${params.creation_id ?? ''} does not exist or has been expired.`,
      });
    }
    if (container.status === 'IN_PROGRESS') return sendNotReady(res);
    if (container.status === 'ERROR') {
      return sendGraphError(res, 400, { message: 'Create media fail, please try to re-create media', code: -1, error_subcode: 2207032 });
    }
    const now = this.now();
    const quota = this.options.publishQuota ?? 50;
    const recent = account.media.filter((m) => m.timestamp.getTime() > now - 86_400_000).length;
    if (recent >= quota) return sendQuota(res);

    container.status = 'PUBLISHED';
    const media: Media = { id: this.nextId(), accountId: account.id, caption: container.caption, mediaType: container.mediaType === 'REELS' ? 'VIDEO' : container.mediaType === 'CAROUSEL' ? 'CAROUSEL_ALBUM' : 'IMAGE', timestamp: new Date(now) };
    this.media.set(media.id, media);
    account.media.push(media);
    const post: EmulatedPost = {
      id: media.id,
      accountId: account.id,
      text: media.caption,
      createdAt: media.timestamp,
      extra: {
        containerId: container.id,
        mediaType: media.mediaType,
        imageUrl: container.imageUrl,
        videoUrl: container.videoUrl,
        altText: container.altText,
        children: container.children.map((c) => this.containers.get(c)?.imageUrl ?? this.containers.get(c)?.videoUrl),
      },
    };
    this.posts.push(post);
    if (finishAfterCommit(outcome, res)) return;
    sendJson(res, 200, { id: media.id }, usageHeaders(account.faultOptions));
  }

  private async listMedia(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    const params = graphParams(req);
    if ((await answerGraphFault(this.fault(req, false, undefined, new Set()), res, this.faultOptions(req.params.user))) === 'handled') return;
    const account = this.authorize(req, res, params, req.params.user);
    if (!account) return;
    const fields = (params.fields ?? 'id').split(',');
    const pageRequest = graphPageRequest(params);
    const data: Array<Record<string, string>> = [];
    for (let i = account.media.length - 1 - pageRequest.offset; i >= 0 && data.length < pageRequest.limit; i--) data.push(this.mediaFields(account.media[i], fields));
    const body = graphPagedBody(data, pageRequest, account.media.length, `https://graph.facebook.com/${req.params.version}/${account.id}/media`);
    sendJson(res, 200, body, usageHeaders(account.faultOptions));
  }

  private async publishingLimit(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    const params = graphParams(req);
    if ((await answerGraphFault(this.fault(req, false, undefined, new Set()), res, this.faultOptions(req.params.user))) === 'handled') return;
    const account = this.authorize(req, res, params, req.params.user);
    if (!account) return;
    const since = params.since ? Number(params.since) * 1000 : this.now() - 86_400_000;
    const used = account.media.filter((m) => m.timestamp.getTime() >= since).length;
    sendJson(res, 200, { data: [{ quota_usage: used, config: { quota_total: this.options.publishQuota ?? 50, quota_duration: 86400 } }] });
  }

  private async readNode(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    const params = graphParams(req);
    const id = req.params.node;
    const container = this.containers.get(id);
    const media = this.media.get(id);
    const owner = container?.accountId ?? media?.accountId ?? (this.accounts.has(id) ? id : undefined);
    const fault = this.fault(req, false, container ? 'status' : undefined, new Set());
    if ((await answerGraphFault(fault, res, this.faultOptions(owner ?? id))) === 'handled') return;
    const account = this.authorize(req, res, params, owner);
    if (!account) return;
    const fields = (params.fields ?? 'id').split(',');

    if (container) {
      const shown = container.status;
      if (container.status === 'IN_PROGRESS') {
        // The read that uses up the last IN_PROGRESS answer moves the container on.
        container.pollsLeft -= 1;
        if (container.pollsLeft <= 0) container.status = container.then;
      }
      const body: Record<string, string> = {};
      if (fields.includes('status_code')) body.status_code = shown;
      if (fields.includes('status')) body.status = shown === 'ERROR' ? container.errorStatus : shown === 'IN_PROGRESS' ? 'In Progress' : shown === 'FINISHED' ? 'Finished' : shown === 'EXPIRED' ? 'Expired' : 'Published';
      body.id = container.id;
      return sendJson(res, 200, body, usageHeaders(account.faultOptions));
    }
    if (media) return sendJson(res, 200, this.mediaFields(media, fields), usageHeaders(account.faultOptions));

    const body: Record<string, unknown> = {};
    if (fields.includes('followers_count')) body.followers_count = this.followers.get(account.id) ?? 0;
    if (fields.includes('media_count')) body.media_count = account.mediaCount + account.media.length;
    if (fields.includes('username')) body.username = account.username;
    body.id = account.id;
    sendJson(res, 200, body, usageHeaders(account.faultOptions));
  }

  private mediaFields(m: Media, fields: string[]): Record<string, string> {
    const out: Record<string, string> = { id: m.id };
    if (fields.includes('caption') && m.caption) out.caption = m.caption;
    if (fields.includes('media_type')) out.media_type = m.mediaType;
    if (fields.includes('permalink')) out.permalink = `https://www.instagram.com/p/${BigInt(m.id).toString(36)}/`;
    if (fields.includes('timestamp')) out.timestamp = graphTime(m.timestamp);
    return out;
  }
}

function sendQuota(res: http.ServerResponse): void {
  sendGraphError(res, 400, {
    message: 'Application request limit reached',
    code: 9,
    error_subcode: 2207042,
    is_transient: false,
    error_user_title: 'Content publishing limit reached',
    error_user_msg: 'You reached maximum number of posts that is allowed to be published by Content Publishing API.',
  });
}

function sendNotReady(res: http.ServerResponse): void {
  sendGraphError(res, 400, {
    message: 'The media is not ready for publishing, please wait for a moment',
    code: 9007,
    error_subcode: 2207027,
    is_transient: false,
    error_user_title: 'Media ID is not available',
    error_user_msg: 'The media is not ready for publishing, please wait for a moment',
  });
}
