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
          serializers: { req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, url: req.url }) },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
