import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { PublicAddressOptions, resolvePublicUrl } from '../../channels/media/public-address';

export type WebhookOutcome = { ok: true; status: number } | { ok: false; permanent: boolean; reason: string };

/**
 * POSTs one webhook body. The URL goes through the public-address guard, and the request connects
 * to the very address that was checked (a second DNS answer cannot swap in an internal one); no
 * redirect is followed. A 4xx other than 408/429 will not get better by retrying; the rest may.
 */
export async function sendWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: PublicAddressOptions & { timeoutMs?: number } = {},
): Promise<WebhookOutcome> {
  const { target, address } = await resolvePublicUrl(url, options);
  const isHttps = target.protocol === 'https:';
  const hostname = target.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const req = (isHttps ? https : http).request(
      {
        host: address.address,
        family: address.family,
        port: target.port || (isHttps ? 443 : 80),
        path: target.pathname + target.search,
        method: 'POST',
        headers: { ...headers, host: target.host, 'content-length': Buffer.byteLength(body), 'user-agent': 'Chorus webhooks' },
        servername: net.isIP(hostname) ? undefined : hostname,
        agent: false,
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve({ ok: true, status });
        else resolve({ ok: false, permanent: status >= 400 && status < 500 && status !== 408 && status !== 429, reason: `answered ${status}` });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => resolve({ ok: false, permanent: false, reason: err.message }));
    req.end(body);
  });
}
