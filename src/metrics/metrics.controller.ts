import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../common/access.decorator';
import { DomainError } from '../common/errors/domain-error';
import { ENV, Env } from '../config/env';
import { hasMetricsToken } from './metrics-token';
import { MetricsService } from './metrics.service';

/**
 * Prometheus scrape endpoint of the API. The API faces the internet, so /metrics answers only
 * when METRICS_TOKEN is set, and only to `Authorization: Bearer <METRICS_TOKEN>` (README,
 * "Operations"). Outside the session guard on purpose: a scraper is not a user.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  @Get()
  @Public()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() res: Response): Promise<void> {
    const token = this.env.METRICS_TOKEN;
    if (!token) throw new DomainError('route_not_found', 'Metrics are off on the API: set METRICS_TOKEN to serve them.');
    if (!hasMetricsToken(authorization, token)) throw new DomainError('unauthenticated', 'Send Authorization: Bearer <METRICS_TOKEN>.');
    const { contentType, body } = await this.metrics.scrape();
    res.type(contentType).send(body);
  }
}
