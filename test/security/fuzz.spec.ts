import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import type { Role } from '../../src/common/access.decorator';
import { aJointPost, JointPostWorld } from '../support/approval-fixtures';
import { AuthedHttp, createTestApp, createUser, TestApp } from '../support/test-app';

/**
 * Every route of the OpenAPI document, sent malformed variants of each body field, path and
 * query parameter (wrong types, null, NUL, lone surrogates, huge, deep, extra keys, __proto__), as
 * each role and anonymously. Fails on any 5xx, then checks that nothing was half written.
 *
 * Two phases: a fixed list of variants per field (as the manager, who gets past the guard on every
 * route), then fast-check's seeded random bodies for every role until the time budget is spent.
 * FUZZ_SEED replays a run; FUZZ_BUDGET_MS bounds the random phase.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 17);
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 10_000);

interface Schema {
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  $ref?: string;
  allOf?: Schema[];
  minimum?: number;
  nullable?: boolean;
}
interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  params: Array<{ name: string; in: 'path' | 'query' }>;
  body?: Schema;
}
type Sender = (method: Operation['method'], url: string) => request.Test;

/** Routes left out: they end the session the fuzz runs with. */
const SKIPPED = new Set(['post /api/auth/logout']);

const NUL = 'a\u0000b';
const SURROGATE = '\ud800x';
const HUGE = 'x'.repeat(200_000);
const deep = (n: number): unknown => (n === 0 ? 1 : { a: deep(n - 1) });
/** Replacements for one field: what a careless or hostile client sends (the random phase adds any JSON value). */
const FIELD_VARIANTS: Array<[string, unknown]> = [
  ['null', null],
  ['wrong type', true],
  ['NUL', NUL],
  ['lone surrogate', SURROGATE],
  ['huge', HUGE],
  ['deep', deep(30)],
  ['__proto__', JSON.parse('{"__proto__":{"isAdmin":true}}')],
];
/** Whole-body replacements, sent as raw JSON text. */
const BODY_VARIANTS: Array<[string, string]> = [
  ['array body', '[1,2,3]'],
  ['string body', '"text"'],
  ['number body', '42'],
  ['null body', 'null'],
  ['empty object', '{}'],
  ['deep body', `{"a":${'['.repeat(3000)}${']'.repeat(3000)}}`],
  ['proto body', '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'],
  ['NUL key', '{"a\\u0000":1}'],
  ['truncated', '{"a":'],
];
const PARAM_VARIANTS = ['not-a-uuid', '%00', '%ED%A0%80', '99999999999999999999', encodeURIComponent(HUGE.slice(0, 3000)), randomUUID()];

/** Runs the calls `width` at a time (the API waits on PostgreSQL more than it computes). */
async function inPool(calls: Array<() => Promise<void>>, width: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < calls.length) await calls[next++]();
  }));
}

/** encodeURIComponent, or a broken escape where the text cannot be encoded (a lone surrogate): both are worth sending. */
function encodeLoosely(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

describe('fuzz: every route, malformed input, every role', () => {
  let t: TestApp;
  let ds: DataSource;
  let w: JointPostWorld;
  let ops: Operation[];
  let schemas: Record<string, Schema>;
  const senders = new Map<Role | 'anonymous', Sender>();
  const failures: string[] = [];
  let sent = 0;
  let startedAt: Date;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // Mail "configured" (to a port where nothing listens: sending fails fast and is only logged), so
    // the routes that need it run their whole path instead of answering that mail is off.
    process.env.SMTP_URL = 'smtp://127.0.0.1:9';
    t = await createTestApp();
    // One listening socket for the thousands of requests (supertest would open one per request).
    await new Promise<void>((r) => t.app.getHttpServer().listen(0, '127.0.0.1', r));
    ds = t.app.get(DataSource);
    w = await aJointPost(t);
    const track = (await w.manager.post(`/api/campaigns/${w.campaignId}/tracks`).send({ name: 'Fuzz track' }).expect(201)).body;
    const action = (await w.manager.post(`/api/campaigns/${w.campaignId}/actions`).send({ title: 'Fuzz action', occursAt: '2027-03-01T10:00' }).expect(201)).body;
    const victim = await createUser(t.app, 'reviewer');
    Object.assign(ids, {
      campaign: w.campaignId, post: w.post.id, partner: w.partners[0].id, channel: w.partners[0].channelId,
      track: track.id, action: action.id, user: victim.id, delivery: w.post.deliveries[0].id,
    });
    const asHttp = (h: AuthedHttp): Sender => (method, url) => h[method](url);
    senders.set('manager', asHttp(w.manager));
    senders.set('partner', asHttp(await t.as('partner', { partnerId: w.partners[0].id })));
    senders.set('reviewer', asHttp(await t.as('reviewer')));
    senders.set('anonymous', (method, url) => t.http()[method](url));

    const doc = (await t.http().get('/docs/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { parameters?: Operation['params']; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
      components: { schemas: Record<string, Schema> };
    };
    schemas = doc.components.schemas;
    ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method as Operation['method'],
        path,
        params: (op.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query'),
        body: op.requestBody?.content['application/json']?.schema,
      })),
    ).filter((op) => !SKIPPED.has(`${op.method} ${op.path}`));
    startedAt = (await ds.query(`SELECT now() AS now`))[0].now as Date;
  });
  afterAll(async () => {
    await t?.close();
    delete process.env.SMTP_URL;
  });

  /** The real id a path parameter stands for, found from the segment before it. */
  function realParam(path: string, name: string): string {
    if (name === 'campaignId') return ids.campaign;
    if (name === 'partnerId') return ids.partner;
    if (name === 'token' || name === 'key' || name === 'code') return 'fuzz-token';
    const before = path.split(`/{${name}}`)[0].split('/').pop();
    const byCollection: Record<string, string> = {
      campaigns: ids.campaign, posts: ids.post, partners: ids.partner, channels: ids.channel, tracks: ids.track,
      actions: ids.action, users: ids.user, deliveries: ids.delivery,
    };
    return byCollection[before ?? ''] ?? randomUUID();
  }

  function url(op: Operation, override?: { name: string; value: string }, query?: string): string {
    let out = op.path;
    for (const p of op.params.filter((q) => q.in === 'path')) {
      out = out.replace(`{${p.name}}`, override?.name === p.name ? override.value : encodeURIComponent(realParam(op.path, p.name)));
    }
    return query ? `${out}?${query}` : out;
  }

  function resolve(schema: Schema): Schema {
    if (schema.$ref) return resolve(schemas[schema.$ref.split('/').pop()!]);
    if (schema.allOf?.length === 1) return resolve(schema.allOf[0]);
    return schema;
  }

  /** A plausible value for a field, so that one mutated field is the only thing wrong with a body. */
  function plausible(name: string, schema: Schema): unknown {
    const s = resolve(schema);
    if (s.enum?.length) return s.enum[0];
    if (s.type === 'array') {
      if (/PartnerIds$/.test(name) || name === 'partnerIds') return [ids.partner];
      if (name === 'channelIds') return [ids.channel];
      return [];
    }
    if (s.type === 'object' || s.properties) {
      if (name === 'credentials') return { accessToken: 'fuzz' };
      return Object.fromEntries(Object.entries(s.properties ?? {}).filter(([k]) => s.required?.includes(k)).map(([k, v]) => [k, plausible(k, v)]));
    }
    if (s.type === 'integer' || s.type === 'number') return s.minimum ?? 1;
    if (s.type === 'boolean') return true;
    if (s.format === 'email' || name === 'email') return `fuzz-${randomUUID().slice(0, 8)}@test.chorus`;
    if (s.format === 'uuid' || /Id$/.test(name)) return name === 'trackId' ? ids.track : name === 'actionId' ? ids.action : ids.partner;
    if (/At$/.test(name)) return '2027-06-01T10:00';
    if (name === 'occurredOn') return '2026-03-14';
    if (name === 'timeZone') return 'Europe/Paris';
    if (/url|link|website/i.test(name)) return 'https://example.org/page';
    if (/password/i.test(name)) return 'a-long-fuzz-password';
    if (name === 'token') return 'x'.repeat(40);
    if (name === 'slug' || name === 'code') return `fuzz-${randomUUID().slice(0, 8)}`;
    return 'Fuzz text';
  }

  function baseBody(schema: Schema): Record<string, unknown> {
    const s = resolve(schema);
    return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, plausible(k, v)]));
  }

  async function send(who: Role | 'anonymous', op: Operation, target: string, body?: string, what = ''): Promise<void> {
    let req = senders.get(who)!(op.method, target);
    if (body !== undefined) req = req.set('content-type', 'application/json').send(body);
    sent++;
    let res: request.Response;
    try {
      res = await req;
    } catch (err) {
      failures.push(`${who} ${op.method.toUpperCase()} ${target.slice(0, 200)} [${what}]: no answer (${(err as Error).message})`);
      return;
    }
    if (res.status >= 500) {
      failures.push(`${who} ${op.method.toUpperCase()} ${target.slice(0, 200)} [${what}] → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    } else if (res.status >= 400 && res.type === 'application/json' && typeof res.body?.code !== 'string') {
      failures.push(`${who} ${op.method.toUpperCase()} ${target.slice(0, 200)} [${what}] → ${res.status} without {code, message}`);
    }
  }

  it('covers every route of the OpenAPI document', () => {
    expect(ops.length).toBeGreaterThan(60);
    // Bodies have schemas: a route taking JSON whose schema is empty would be fuzzed blind.
    const blind = ops.filter((op) => op.body && Object.keys(resolve(op.body).properties ?? {}).length === 0).map((op) => `${op.method} ${op.path}`);
    expect(blind).toEqual([]);
  });

  it('answers every fixed malformed variant with a 4xx (or a success), as the manager', async () => {
    const who: Role = 'manager';
    const requests: Array<() => Promise<void>> = [];
    for (const op of ops) {
      for (const p of op.params) {
        for (const value of PARAM_VARIANTS) {
          if (p.in === 'path') requests.push(() => send(who, op, url(op, { name: p.name, value }), op.body ? JSON.stringify(baseBody(op.body)) : undefined, `${p.name}=${value.slice(0, 20)}`));
          else requests.push(() => send(who, op, url(op, undefined, `${p.name}=${value}`), undefined, `?${p.name}=${value.slice(0, 20)}`));
        }
        if (p.in === 'query') requests.push(() => send(who, op, url(op, undefined, `${p.name}=a&${p.name}=b&${p.name}[x]=1`), undefined, `?${p.name} repeated`));
      }
      if (!op.body) continue;
      const base = baseBody(op.body);
      for (const field of Object.keys(base)) {
        for (const [name, value] of FIELD_VARIANTS) {
          requests.push(() => send(who, op, url(op), JSON.stringify({ ...base, [field]: value }), `${field}: ${name}`));
        }
        const { [field]: _omitted, ...without } = base;
        requests.push(() => send(who, op, url(op), JSON.stringify(without), `${field}: missing`));
      }
      requests.push(() => send(who, op, url(op), JSON.stringify({ ...base, unexpected: 1 }), 'extra key'));
      requests.push(() => send(who, op, url(op), JSON.stringify(base).replace(/^\{/, '{"__proto__":{"x":1},'), '__proto__ key'));
      for (const [name, raw] of BODY_VARIANTS) requests.push(() => send(who, op, url(op), raw, name));
    }
    await inPool(requests, 6);
    expect(requests.length).toBeGreaterThan(800);
    expect(failures).toEqual([]);
    // Some thousand requests: on a loaded 2-core machine, beside other suites, they can outlast jest's default limit.
  }, 180_000);

  it('answers seeded random bodies and parameters with a 4xx (or a success), as every role', async () => {
    const roles: Array<Role | 'anonymous'> = ['manager', 'partner', 'reviewer', 'anonymous'];
    const withBody = ops.filter((op) => op.body);
    const json = fc.jsonValue({ maxDepth: 4 });
    const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom(NUL, SURROGATE, '\u202e', '<script>', "' OR 1=1 --"));
    const arbitrary = fc.record({
      who: fc.constantFrom(...roles),
      op: fc.constantFrom(...ops),
      field: fc.nat(),
      value: fc.oneof(json, text, fc.constantFrom<unknown>(null, [], {}, 2 ** 63, -0, 1e308)),
      param: fc.oneof(text.map(encodeLoosely), fc.constantFrom(...PARAM_VARIANTS)),
      wholeBody: fc.option(json, { freq: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ who, op, field, value, param, wholeBody }) => {
        const target = op.params.length
          ? (() => {
              const p = op.params[field % op.params.length];
              return p.in === 'path' ? url(op, { name: p.name, value: param }) : url(op, undefined, `${p.name}=${param}`);
            })()
          : url(op);
        let body: string | undefined;
        if (op.body) {
          const base = baseBody(op.body);
          const keys = Object.keys(base);
          body = wholeBody !== null ? JSON.stringify(wholeBody) : JSON.stringify(keys.length ? { ...base, [keys[field % keys.length]]: value } : value);
        }
        await send(who, op, target, body, 'random');
        return true;
      }),
      { seed: SEED, numRuns: 100_000, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false, endOnFailure: true },
    );
    expect(withBody.length).toBeGreaterThan(0);
    expect(sent).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
  });

  it('left nothing half written', async () => {
    // A post always has its deliveries, and every delivery its post's version or an older one.
    expect(await ds.query(`SELECT p.id FROM posts p WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.post_id = p.id)`)).toEqual([]);
    expect(await ds.query(`SELECT d.id FROM deliveries d JOIN posts p ON p.id = d.post_id WHERE d.post_version > p.version`)).toEqual([]);
    // Everything created during the fuzz has its audit event (written in the same transaction).
    const unaudited = await ds.query(
      `SELECT kind, id FROM (
         SELECT 'campaign' AS kind, id, created_at FROM campaigns
         UNION ALL SELECT 'post', id, created_at FROM posts
         UNION ALL SELECT 'channel', id, created_at FROM channels
         UNION ALL SELECT 'track', id, created_at FROM tracks
         UNION ALL SELECT 'action', id, created_at FROM actions) x
        WHERE created_at >= $1 AND NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.entity_id = x.id::text)`,
      [startedAt],
    );
    expect(unaudited).toEqual([]);
  });
});
