import http from 'node:http';
import { BaseEmulator, EmulatedPost, EmulatorRequest, Fault, sendJson } from './emulator';
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
 * Facebook Pages (Graph API) emulator — docs/networks.md, Facebook Any `/vNN.N/` prefix is accepted.
 *
 * Routes: POST /{page}/feed (message, link, attached_media) · POST /{page}/photos (url,
 * caption|message, published) · GET /{page}/posts · GET /{page}?fields=followers_count,fan_count.
 * The Page token goes in `access_token` (query, form or JSON) or `Authorization: Bearer`.
 *
 * Faults: `on` is 'publish' (feed, and photos unless published=false), 'photo_upload' (photos with
 * published=false), 'any', or a path prefix WITHOUT the version (e.g. '/111/posts'). Generic ones
 * are described at answerGraphFault (rate_limit codes 4/17/32/613/80001 with 'buc'/'app'/'none'
 * headers, server_error incl. html, server_error_after_commit, connection_reset {afterCommit},
 * hang, expired_token 190/463, revoked_token 190/460), plus on publish:
 * - duplicate {variant?: '506' | '368'}: 400 code 506/1455006 "Duplicate status message"
 *   (default) or code 368 "You've already posted this…".
 * - spam: 400 code 368/1390008 "misusing this feature by going too fast".
 * Natural behaviour: unknown token → 190 "Invalid OAuth access token"; a token expired with
 * expireToken / revokeToken → 190/463 / 190/460; a token of another page → (#200); a feed post
 * identical to the page's previous one → 506/1455006.
 */

export interface FacebookEmulatorPage {
  id: string;
  name?: string;
  /** Page access token accepted for this page. */
  token: string;
  followers?: number;
  fans?: number;
}

export interface FacebookEmulatorOptions {
  pages: FacebookEmulatorPage[];
  /** Reject a feed post identical to the page's previous one (Graph's 506). Default true. */
  rejectDuplicates?: boolean;
  /** Cap on recorded requests (0 = none). Default 1000. */
  recordRequests?: number;
  now?: () => number;
}

interface PageState {
  id: string;
  name: string;
  token: string;
  tokenState: TokenState;
  fans: number;
  posts: EmulatedPost[];
  faultOptions: GraphFaultOptions;
}

interface Photo {
  id: string;
  pageId: string;
  url: string;
  published: boolean;
}

const PUBLISH_ONLY_FAULTS = new Set(['duplicate', 'spam']);

export class FacebookEmulator extends BaseEmulator {
  private readonly pages = new Map<string, PageState>();
  private readonly byToken = new Map<string, PageState>();
  private readonly photos = new Map<string, Photo>();
  private readonly options: FacebookEmulatorOptions;
  private sequence = 1_116_692_661_689_527n;

  constructor(options: FacebookEmulatorOptions) {
    super();
    this.options = options;
    this.maxRecordedRequests = options.recordRequests ?? 1000;
    for (const p of options.pages) this.addPage(p);

    this.route('POST', '/:version/:page/feed', (req, res) => this.publishFeed(req, res));
    this.route('POST', '/:version/:page/photos', (req, res) => this.publishPhoto(req, res));
    this.route('GET', '/:version/:page/posts', (req, res) => this.listPosts(req, res));
    this.route('GET', '/:version/:page/feed', (req, res) => this.listPosts(req, res));
    this.route('GET', '/:version/:node', (req, res) => this.readNode(req, res));
  }

  addPage(p: FacebookEmulatorPage): void {
    const state: PageState = {
      id: p.id,
      name: p.name ?? `Page ${p.id}`,
      token: p.token,
      tokenState: 'valid',
      fans: p.fans ?? p.followers ?? 0,
      posts: [],
      faultOptions: { bucType: 'pages', defaultThrottleCode: 80001, accountId: p.id },
    };
    this.pages.set(p.id, state);
    this.byToken.set(p.token, state);
    this.followers.set(p.id, p.followers ?? 0);
  }

  setFollowers(pageId: string, followers: number): void {
    this.followers.set(pageId, followers);
  }

  expireToken(pageId: string): void {
    this.page(pageId).tokenState = 'expired';
  }

  revokeToken(pageId: string): void {
    this.page(pageId).tokenState = 'revoked';
  }

  postsOf(pageId: string): readonly EmulatedPost[] {
    return this.page(pageId).posts;
  }

  private page(id: string): PageState {
    const p = this.pages.get(id);
    if (!p) throw new Error(`FacebookEmulator: no page ${id}`);
    return p;
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  private nextId(): string {
    this.sequence += 1n;
    return this.sequence.toString();
  }

  /** Resolves the page the request acts on and checks its token; answers and returns undefined on failure. */
  private authorize(req: EmulatorRequest, res: http.ServerResponse, params: Record<string, string>, pageId: string): PageState | undefined {
    if (rejectBadVersion(req, res, this.now())) return undefined;
    const token = graphToken(req, params);
    const owner = token ? this.byToken.get(token) : undefined;
    if (rejectToken(res, owner?.tokenState)) return undefined;
    const page = this.pages.get(pageId);
    if (!page) {
      sendUnsupportedGet(res, pageId);
      return undefined;
    }
    if (owner !== page) {
      sendGraphError(res, 403, GRAPH_ERRORS.permission);
      return undefined;
    }
    return page;
  }

  private faultFor(req: EmulatorRequest, isPublish: boolean, operation?: string): Fault | undefined {
    return this.takeFaultFor({
      path: stripVersion(req.path),
      isPublish,
      operation,
      accepts: (f) => GENERIC_GRAPH_FAULTS.has(f.kind) || (isPublish && PUBLISH_ONLY_FAULTS.has(f.kind)),
    });
  }

  /** Publish-only faults answered before any work. */
  private answerPublishFault(fault: Fault | undefined, res: http.ServerResponse): boolean {
    if (!fault) return false;
    if (fault.kind === 'duplicate') {
      if ((fault as { variant?: unknown }).variant === '368') {
        sendGraphError(res, 400, {
          message: "You've already posted this. Posting the same content repeatedly on Facebook isn't allowed.",
          code: 368,
        });
      } else {
        sendDuplicate(res);
      }
      return true;
    }
    if (fault.kind === 'spam') {
      sendGraphError(res, 400, {
        message: 'It looks like you were misusing this feature by going too fast. You’ve been temporarily blocked from using it.',
        code: 368,
        error_subcode: 1390008,
      });
      return true;
    }
    return false;
  }

  private async publishFeed(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    const params = graphParams(req);
    const fault = await this.applyLate(this.faultFor(req, true));
    const page0 = this.pages.get(req.params.page);
    const outcome = await answerGraphFault(fault, res, page0?.faultOptions ?? defaultFaultOptions(req.params.page));
    if (outcome === 'handled' || this.answerPublishFault(fault, res)) return;
    const page = this.authorize(req, res, params, req.params.page);
    if (!page) return;

    const message = params.message ?? '';
    const link = params.link;
    const attached = attachedMedia(params);
    if (!message && !link && attached.length === 0) {
      return sendGraphError(res, 400, { message: '(#100) Missing message or attachment', code: 100 });
    }
    if (message.length > 63_206) return sendGraphError(res, 400, { message: '(#100) Invalid parameter', code: 100 });
    for (const id of attached) {
      const photo = this.photos.get(id);
      if (!photo || photo.pageId !== page.id) {
        return sendGraphError(res, 400, { message: `(#100) param attached_media[0] has invalid media_fbid ${id}`, code: 100 });
      }
    }
    const last = page.posts[page.posts.length - 1];
    if (
      this.options.rejectDuplicates !== false &&
      last &&
      attached.length === 0 &&
      last.text === message &&
      (last.extra?.link ?? null) === (link ?? null)
    ) {
      return sendDuplicate(res);
    }

    const post = this.store(page, message, { link: link ?? null, photoIds: attached, kind: 'feed' });
    if (finishAfterCommit(outcome, res)) return;
    const body: Record<string, string> = { id: post.id };
    if ((params.fields ?? '').split(',').includes('permalink_url')) body.permalink_url = permalink(post.id);
    sendJson(res, 200, body, usageHeaders(page.faultOptions));
  }

  private async publishPhoto(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    const params = graphParams(req);
    const published = params.published !== 'false';
    const fault = await this.applyLate(this.faultFor(req, published, published ? undefined : 'photo_upload'));
    const page0 = this.pages.get(req.params.page);
    const outcome = await answerGraphFault(fault, res, page0?.faultOptions ?? defaultFaultOptions(req.params.page));
    if (outcome === 'handled' || this.answerPublishFault(fault, res)) return;
    const page = this.authorize(req, res, params, req.params.page);
    if (!page) return;

    const url = params.url;
    if (!url || !/^https?:\/\//.test(url)) {
      return sendGraphError(res, 400, { message: '(#324) Requires upload file', code: 324 });
    }
    const photo: Photo = { id: this.nextId(), pageId: page.id, url, published };
    this.photos.set(photo.id, photo);
    if (!published) {
      if (finishAfterCommit(outcome, res)) return;
      return sendJson(res, 200, { id: photo.id }, usageHeaders(page.faultOptions));
    }
    const post = this.store(page, params.caption ?? params.message ?? '', { photoIds: [photo.id], imageUrl: url, kind: 'photo' });
    if (finishAfterCommit(outcome, res)) return;
    sendJson(res, 200, { id: photo.id, post_id: post.id }, usageHeaders(page.faultOptions));
  }

  private store(page: PageState, text: string, extra: Record<string, unknown>): EmulatedPost {
    const post: EmulatedPost = { id: `${page.id}_${this.nextId()}`, accountId: page.id, text, link: (extra.link as string | null | undefined) ?? null, createdAt: new Date(this.now()), extra };
    this.posts.push(post);
    page.posts.push(post);
    return post;
  }

  private async listPosts(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    const params = graphParams(req);
    const page0 = this.pages.get(req.params.page);
    if ((await answerGraphFault(this.faultFor(req, false), res, page0?.faultOptions ?? defaultFaultOptions(req.params.page))) === 'handled') return;
    const page = this.authorize(req, res, params, req.params.page);
    if (!page) return;
    const fields = (params.fields ?? 'id,message,created_time').split(',');
    const pageRequest = graphPageRequest(params);
    const newestFirst: EmulatedPost[] = [];
    for (let i = page.posts.length - 1 - pageRequest.offset; i >= 0 && newestFirst.length < pageRequest.limit; i--) newestFirst.push(page.posts[i]);
    const data = newestFirst.map((p) => {
      const item: Record<string, string> = {};
      if (fields.includes('created_time')) item.created_time = graphTime(p.createdAt);
      if (fields.includes('message') && p.text) item.message = p.text;
      if (fields.includes('permalink_url')) item.permalink_url = permalink(p.id);
      item.id = p.id;
      return item;
    });
    const body = graphPagedBody(data, pageRequest, page.posts.length, `https://graph.facebook.com/${req.params.version}/${page.id}/posts`);
    sendJson(res, 200, body, usageHeaders(page.faultOptions));
  }

  private async readNode(req: EmulatorRequest, res: http.ServerResponse): Promise<void> {
    const params = graphParams(req);
    const page0 = this.pages.get(req.params.node);
    if ((await answerGraphFault(this.faultFor(req, false), res, page0?.faultOptions ?? defaultFaultOptions(req.params.node))) === 'handled') return;
    const page = this.authorize(req, res, params, req.params.node);
    if (!page) return;
    const fields = (params.fields ?? 'name').split(',');
    const body: Record<string, unknown> = {};
    if (fields.includes('followers_count')) body.followers_count = this.followers.get(page.id) ?? 0;
    if (fields.includes('fan_count')) body.fan_count = page.fans;
    if (fields.includes('name')) body.name = page.name;
    body.id = page.id;
    sendJson(res, 200, body, usageHeaders(page.faultOptions));
  }
}

function defaultFaultOptions(accountId: string): GraphFaultOptions {
  return { bucType: 'pages', defaultThrottleCode: 80001, accountId };
}

function sendDuplicate(res: http.ServerResponse): void {
  sendGraphError(res, 400, {
    message: 'Duplicate status message',
    code: 506,
    error_subcode: 1455006,
    is_transient: false,
    error_user_title: 'Duplicate Post',
    error_user_msg: 'This status update is identical to the last one you posted. Try posting something different, or delete your previous update.',
  });
}

function permalink(postId: string): string {
  const [page, post] = postId.split('_');
  return `https://www.facebook.com/${page}/posts/${post}`;
}

/** attached_media as `attached_media[0]={"media_fbid":"…"}` fields or one JSON array. */
function attachedMedia(params: Record<string, string>): string[] {
  const raw: string[] = [];
  if (params.attached_media) {
    try {
      const parsed: unknown = JSON.parse(params.attached_media);
      if (Array.isArray(parsed)) for (const item of parsed) raw.push(typeof item === 'string' ? item : JSON.stringify(item));
    } catch {
      // ignored: Graph would answer (#100)
    }
  }
  const indexed = Object.keys(params)
    .filter((k) => /^attached_media\[\d+\]$/.test(k))
    .sort((a, b) => Number(a.slice(15, -1)) - Number(b.slice(15, -1)));
  for (const k of indexed) raw.push(params[k]);
  const ids: string[] = [];
  for (const r of raw) {
    try {
      const item = JSON.parse(r) as { media_fbid?: unknown };
      if (item.media_fbid !== undefined) ids.push(String(item.media_fbid));
    } catch {
      ids.push('');
    }
  }
  return ids;
}
