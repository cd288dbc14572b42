import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { ENV, Env } from '../config/env';

/**
 * Structured JSON logs (pino). Authorization headers, cookies and anything named like a secret
 * are redacted so credentials never reach a log line.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.credentials',
  '*.accessToken',
  '*.refreshToken',
  '*.token',
  '*.appPassword',
];

/**
 * Addresses that carry a secret in their path or query: approval-link tokens (the page and the
 * API), calendar feed keys, invitation tokens. Log lines keep the shape of the address, not the secret.
 */
const SECRET_IN_PATH: RegExp[] = [
  /^(\/approve\/)[^/?#]+/,
  /^(\/api\/approval-links\/)[^/?#]+/,
  /^(\/feeds\/[^?#]*?\/)[^/?#]+(\/calendar\.ics)/,
];
const SECRET_QUERY = /([?&](?:token|key|code|secret|password)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  let out = url;
  for (const pattern of SECRET_IN_PATH) out = out.replace(pattern, (_m, head: string, tail?: string) => `${head}[redacted]${typeof tail === 'string' ? tail : ''}`);
  return out.replace(SECRET_QUERY, '$1[redacted]');
}

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [ENV],
      useFactory: (env: Env) => ({
        pinoHttp: {
          level: env.LOG_LEVEL,
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
          // Request bodies are not logged at all: they may carry credentials.
          serializers: { req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }) },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
