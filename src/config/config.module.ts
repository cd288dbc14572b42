import { Global, Module } from '@nestjs/common';
import { ENV, Env, loadEnv } from './env';

/** Provides the validated environment as `@Inject(ENV) env: Env`. */
@Global()
@Module({
  providers: [{ provide: ENV, useFactory: (): Env => loadEnv() }],
  exports: [ENV],
})
export class ConfigModule {}
