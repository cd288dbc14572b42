import { Logger } from '@nestjs/common';
import axios, { AxiosInstance, AxiosResponse } from 'axios';
import { classifyGraphError, GraphNetworkName } from './graph-errors';
import { keepAliveAgents } from './keep-alive-agents';
import { ChannelContext, NetworkError } from './network-adapter';

/**
 * The HTTP plumbing shared by the Facebook Pages and Instagram adapters. Both speak the same Meta
 * Graph API (docs/networks.md, Facebook and Instagram), so they send requests the same way and must read failures
 * the same way: what differs between them is which endpoints they call, not how.
 */

const DEFAULT_TIMEOUT_MS = 15_000;

/** What every Graph adapter lets its caller set (tests point baseUrl at an emulator). */
export interface GraphAdapterOptions {
  /** Graph base URL including the version (see api-versions.ts: graphBaseUrl, META_GRAPH_VERSION). */
  baseUrl?: string;
  /** Per-request timeout; default 15 s. */
  timeoutMs?: number;
}

/** The tokens of a channel: classifyGraphError scrubs them from any text a network sends back. */
export function graphSecrets(channel: ChannelContext): string[] {
  return [channel.credentials.accessToken, channel.credentials.refreshToken].filter((s): s is string => typeof s === 'string');
}

/**
 * An answer without the id Chorus needs. On the call that creates the post the post may exist all
 * the same, so the pipeline must look for it before trying again (maybeCommitted).
 */
export function unreadableGraphAnswer(networkName: GraphNetworkName, commitCall: boolean): NetworkError {
  return new NetworkError(
    'transient',
    commitCall
      ? `${networkName} answered without the post id. The post may have been published; Chorus checks before trying again.`
      : `${networkName} answered something Chorus could not read. Chorus will try again.`,
    { maybeCommitted: commitCall },
  );
}

export class GraphClient {
  /** Raw access for calls that must look at an error before it is classified (Instagram's "not ready"). */
  readonly http: AxiosInstance;
  /** The version in the base URL, and the one Graph last said it ran our calls on, when different (once said, not repeated). */
  readonly requestedVersion: string | null;
  servedVersion: string | null = null;
  private readonly logger = new Logger('MetaGraph');

  constructor(
    private readonly networkName: GraphNetworkName,
    baseUrl: string,
    timeoutMs: number = DEFAULT_TIMEOUT_MS,
  ) {
    this.http = axios.create({
      baseURL: baseUrl.replace(/\/+$/, ''),
      timeout: timeoutMs,
      // Never route Graph calls through an environment proxy.
      proxy: false,
      maxRedirects: 0,
      ...keepAliveAgents(),
    });
    this.requestedVersion = /\/(v\d+\.\d+)\/?$/.exec(baseUrl)?.[1] ?? null;
    this.http.interceptors.response.use(
      (res) => this.noteVersion(res),
      (err: unknown) => {
        const res = (err as { response?: AxiosResponse }).response;
        if (res) this.noteVersion(res);
        return Promise.reject(err);
      },
    );
  }

  /**
   * Graph names the version that ran each call in `facebook-api-version`. Once our version has
   * expired, Graph runs calls on its oldest usable version instead, without an error: say so.
   */
  private noteVersion(res: AxiosResponse): AxiosResponse {
    const served = res.headers?.['facebook-api-version'];
    if (typeof served === 'string' && this.requestedVersion && served !== this.requestedVersion && served !== this.servedVersion) {
      this.servedVersion = served;
      this.logger.warn(
        `${this.networkName}: Graph ran our ${this.requestedVersion} calls on ${served}: ${this.requestedVersion} has expired. Set META_GRAPH_VERSION to a current version.`,
      );
    }
    return res;
  }

  /** Form-encoded POST. A body that is not a JSON object reads as {}: callers check the ids they need. */
  async post<T>(channel: ChannelContext, path: string, form: URLSearchParams | Record<string, string>, commitCall: boolean): Promise<T> {
    try {
      const res = await this.http.post<T>(path, form instanceof URLSearchParams ? form : new URLSearchParams(form));
      return typeof res.data === 'object' && res.data !== null ? res.data : ({} as T);
    } catch (err) {
      throw this.classify(err, channel, commitCall);
    }
  }

  /** GET of a node or edge; reads never create anything, so none of their failures can hide a post. */
  async get<T>(channel: ChannelContext, path: string, params: Record<string, string>): Promise<T> {
    try {
      const res = await this.http.get<T>(path, { params });
      if (typeof res.data !== 'object' || res.data === null) throw unreadableGraphAnswer(this.networkName, false);
      return res.data;
    } catch (err) {
      throw this.classify(err, channel, false);
    }
  }

  classify(err: unknown, channel: ChannelContext, commitCall: boolean): NetworkError {
    return classifyGraphError(err, { networkName: this.networkName, commitCall, secrets: graphSecrets(channel) });
  }
}
