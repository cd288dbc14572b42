/** One sample of a Prometheus text exposition: the value of `name` whose labels include `labels`, or 0 when absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) total += Number(m[3]);
  }
  return total;
}

/** The metric families the text declares (`# TYPE name kind`). */
export function families(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
}

export const CHORUS_FAMILIES: Record<string, string> = {
  chorus_deliveries: 'gauge',
  chorus_delivery_lateness_seconds: 'histogram',
  chorus_network_calls_total: 'counter',
  chorus_network_call_duration_seconds: 'histogram',
  chorus_queue_jobs: 'gauge',
  chorus_pass_duration_seconds: 'histogram',
  chorus_follower_polls_total: 'counter',
};
