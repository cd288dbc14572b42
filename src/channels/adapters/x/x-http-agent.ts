import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

/**
 * twitter-api-v2 always sends to https://api.x.com through `https.request` (docs/networks.md, X).
 * To reach an emulator at an `http://` base URL we hand it an agent that claims the
 * `https:` protocol but opens a plain TCP socket to the emulator; requests keep `Host: api.x.com`.
 */
export class PlainSocketAgent extends http.Agent {
  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    super({ keepAlive: false });
    // Node checks agent.protocol against the URL's protocol before using the agent.
    Object.defineProperty(this, 'protocol', { value: 'https:' });
  }

  override createConnection(): net.Socket {
    return net.connect(this.port, this.host);
  }
}

export const X_PRODUCTION_BASE_URL = 'https://api.x.com';

/**
 * The agent twitter-api-v2 should use for a configured base URL: none for the real API, a
 * plain-socket agent for an http:// emulator. Other https hosts are refused: the library cannot
 * be pointed at them without changing the Host it signs for.
 */
export function agentForBaseUrl(baseUrl: string): http.Agent | undefined {
  const url = new URL(baseUrl);
  if (url.protocol === 'https:' && (url.hostname === 'api.x.com' || url.hostname === 'api.twitter.com')) {
    return new https.Agent({ keepAlive: true });
  }
  if (url.protocol === 'http:') {
    return new PlainSocketAgent(url.hostname, Number(url.port || 80));
  }
  throw new Error(`X base URL must be ${X_PRODUCTION_BASE_URL} or an http:// emulator URL, got ${url.origin}`);
}
