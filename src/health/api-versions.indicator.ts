import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { linkedInVersionStatus, metaGraphVersionStatus } from '../channels/adapters/api-versions';
import { ENV, Env } from '../config/env';

/**
 * The network API versions Chorus is configured with, and a warning when one nears its end (or
 * has passed it). Always "up": a retired version stops one network, not Chorus, and a restart
 * would not mend it; the warning tells the operator which variable to change.
 */
@Injectable()
export class ApiVersionsIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  check(key: string) {
    const now = new Date();
    const details = Object.fromEntries(
      [linkedInVersionStatus(this.env.LINKEDIN_API_VERSION, now), metaGraphVersionStatus(this.env.META_GRAPH_VERSION, now)].map((s) => [
        s.network,
        { version: s.version, endsAt: s.endsAt ? s.endsAt.toISOString().slice(0, 10) : null, state: s.state, ...(s.warning ? { warning: s.warning } : {}) },
      ]),
    );
    return this.indicators.check(key).up(details);
  }
}
