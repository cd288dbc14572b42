import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ENV, Env } from '../config/env';
import { dataSourceOptions } from './data-source';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ENV],
      useFactory: (env: Env) => ({ ...dataSourceOptions(env.DATABASE_URL), migrationsRun: env.MIGRATIONS_RUN === 'true' }),
    }),
  ],
})
export class DatabaseModule {
  /**
   * The API's connections: no statement runs longer than API_STATEMENT_TIMEOUT_MS, so one request
   * cannot hold the database (PostgreSQL cancels it; the client gets a 503). The worker's long
   * jobs keep the plain module.
   */
  static forApi(): DynamicModule {
    return {
      module: ApiDatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [ENV],
          useFactory: (env: Env) => {
            const options = dataSourceOptions(env.DATABASE_URL);
            return { ...options, extra: { ...options.extra, statement_timeout: env.API_STATEMENT_TIMEOUT_MS }, migrationsRun: env.MIGRATIONS_RUN === 'true' };
          },
        }),
      ],
    };
  }
}

@Module({})
class ApiDatabaseModule {}
