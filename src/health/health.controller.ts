import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import Redis from 'ioredis';
import { REDIS } from '../redis/redis.module';
import { Public } from '../common/access.decorator';
import { QueueLagIndicator } from './queue-lag.indicator';
import { ApiVersionsIndicator } from './api-versions.indicator';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly queueLag: QueueLagIndicator,
    private readonly apiVersions: ApiVersionsIndicator,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.db.pingCheck('postgres', { timeout: 2000 }),
      async () => {
        const indicator = this.indicators.check('redis');
        try {
          const pong = await this.redis.ping();
          return pong === 'PONG' ? indicator.up() : indicator.down({ message: `unexpected answer ${pong}` });
        } catch (err) {
          return indicator.down({ message: (err as Error).message });
        }
      },
      () => this.queueLag.check('queue'),
      () => this.apiVersions.check('networkApiVersions'),
    ]);
  }
}
