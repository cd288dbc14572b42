import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { ENV, Env } from '../config/env';
import { hasMetricsToken } from './metrics-token';
import { MetricsService } from './metrics.service';

/**
 * The worker has no API, so it gets this small HTTP server on WORKER_METRICS_PORT: `GET /metrics`
 * (Prometheus; bearer METRICS_TOKEN when that is set) and `GET /health` (liveness: the process
 * and its event loop answer). Off when the port is 0. A port already taken is logged, not fatal:
 * publishing matters more than being scraped, and several workers may share a host.
 */
@Injectable()
export class WorkerMetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetricsServer.name);
  private server: Server | null = null;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(ENV) private readonly env: Env,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.env.WORKER_METRICS_PORT;
    if (port === 0) return;
    const server = createServer((req, res) => void this.answer(req, res));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, () => resolve());
      });
      this.server = server;
      this.logger.log(`worker metrics on port ${port} (/metrics, /health)`);
    } catch (err) {
      this.logger.error({ port, err: err instanceof Error ? err.message : String(err) }, 'worker metrics server not started (WORKER_METRICS_PORT taken?); the worker runs without it');
    }
  }

  /** The port actually listened on, or null when off. */
  port(): number | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : null;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return this.send(res, 405, 'text/plain', 'GET only\n');
    if (path === '/health') return this.send(res, 200, 'application/json', '{"status":"ok"}\n');
    if (path !== '/metrics') return this.send(res, 404, 'text/plain', 'Not found: /metrics or /health\n');
    const token = this.env.METRICS_TOKEN;
    if (token && !hasMetricsToken(req.headers.authorization, token)) {
      return this.send(res, 401, 'text/plain', 'Send Authorization: Bearer <METRICS_TOKEN>\n');
    }
    try {
      const { contentType, body } = await this.metrics.scrape();
      this.send(res, 200, contentType, body);
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'metrics scrape failed');
      this.send(res, 500, 'text/plain', 'scrape failed\n');
    }
  }

  private send(res: ServerResponse, status: number, contentType: string, body: string): void {
    res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
    res.end(body);
  }
}
