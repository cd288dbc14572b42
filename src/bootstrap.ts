import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import { Logger } from 'nestjs-pino';
import { mountQueueDashboard } from './admin/queue-dashboard';
import { bodyParserErrorHandler } from './common/errors/http-exception.filter';
import { apiValidationPipe } from './common/validation.pipe';

export const BODY_LIMIT = '1mb';

/** Everything main.ts does to the app besides listening, shared with the tests so they run the real thing. */
export function configureApp(app: NestExpressApplication): INestApplication {
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: BODY_LIMIT });
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: false });
  app.use(bodyParserErrorHandler);
  app.use(cookieParser());
  mountQueueDashboard(app);
  app.useGlobalPipes(apiValidationPipe());
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  const config = new DocumentBuilder()
    .setTitle('Chorus API')
    .setDescription('Joint social-media campaigns for networks of partner organizations. Errors are {code, message, details}.')
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config), { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
