import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import compression from 'compression';
import cookieParser from 'cookie-parser';
import helmet, { HelmetOptions } from 'helmet';
import { Logger } from 'nestjs-pino';
import { mountQueueDashboard } from './admin/queue-dashboard';
import { bodyParserErrorHandler } from './common/errors/http-exception.filter';
import { noStoreByDefault, rejectUnstorableUrl, verifyJsonBody } from './common/request-hygiene';
import { apiValidationPipe } from './common/validation.pipe';
import { ENV, Env } from './config/env';

export const BODY_LIMIT = '1mb';

/** Everything main.ts does to the app besides listening, shared with the tests so they run the real thing. */
export function configureApp(app: NestExpressApplication): INestApplication {
  const env = app.get<Env>(ENV);
  app.useLogger(app.get(Logger));
  // gzip/deflate for the pages' scripts and styles and for JSON answers (the main script is a third
  // of its size compressed), which is what a phone on a slow connection waits for.
  app.use(compression());
  app.use(helmet(helmetOptions(env)));
  app.use(noStoreByDefault);
  app.use(rejectUnstorableUrl);
  app.useBodyParser('json', { limit: BODY_LIMIT, verify: verifyJsonBody });
  app.use(bodyParserErrorHandler);
  app.use(cookieParser());
  mountQueueDashboard(app);
  app.useGlobalPipes(apiValidationPipe());
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy(env.TRUST_PROXY));
  const config = new DocumentBuilder()
    .setTitle('Chorus API')
    .setDescription('Joint social-media campaigns for networks of partner organizations. Errors are {code, message, details}.')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config), { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

/** TRUST_PROXY as Express's `trust proxy` setting: a hop count, true/false, or a list of addresses. */
export function trustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

/**
 * Security headers on every answer (API, /docs, pages; the pages then set their own stricter
 * policy). HSTS only when PUBLIC_URL is https: over plain http it would be ignored, and on a local
 * demo it would pin the browser to https for the host.
 */
function helmetOptions(env: Env): HelmetOptions {
  const https = env.PUBLIC_URL?.startsWith('https://') ?? false;
  return {
    strictTransportSecurity: https ? { maxAge: 180 * 24 * 3600, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'no-referrer' },
  };
}
