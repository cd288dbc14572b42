/**
 * The bare baseline of bench/publish: plain BullMQ, same Redis, same concurrency, and a processor
 * that makes the same single HTTP POST to the same emulator with a keep-alive agent. No Postgres,
 * no claims, no pacing: the floor our pipeline is compared with.
 */
import http from 'node:http';
import { Worker } from 'bullmq';

const { REDIS_URL, BENCH_PREFIX, BENCH_CONCURRENCY } = process.env;
// As many sockets as jobs at once, as Chorus' adapters allow (their agents set no maximum).
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(BENCH_CONCURRENCY ?? 8) });

function post(data: { url: string; token: string; text: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ status: data.text, visibility: 'public' });
    const req = http.request(
      `${data.url}/api/v1/statuses`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${data.token}` } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const worker = new Worker('baseline', async (job) => post(job.data), {
  connection: { url: REDIS_URL!, maxRetriesPerRequest: null } as never,
  prefix: BENCH_PREFIX,
  concurrency: Number(BENCH_CONCURRENCY ?? 8),
});
worker.on('ready', () => console.log('Baseline worker started'));
// A clean exit on the bench's SIGTERM, so that node flags such as --cpu-prof (BENCH_BASELINE_NODE_ARGS) write their output.
process.once('SIGTERM', () => {
  void worker.close().finally(() => process.exit(0));
});
