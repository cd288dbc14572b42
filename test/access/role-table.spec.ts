import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Role } from '../../src/common/access.decorator';
import { AuthedHttp, createTestApp, TestApp } from '../support/test-app';
import { NOT_ENDPOINTS, PUBLIC, ROUTE_TABLE } from './route-table';
import { registeredRoutes } from './routes';

type Caller = Role | 'anonymous';
const CALLERS: Caller[] = ['manager', 'partner', 'reviewer', 'anonymous'];
const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Fills path parameters with values that exist nowhere: the call reaches the guard, then fails harmlessly. */
function concrete(path: string): string {
  return path.replace(/\*\w+/g, 'x').replace(/:(\w+)/g, (_m, name: string) => (/id$/i.test(name) ? randomUUID() : 'x'));
}

describe('role table: every route, every role', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  const keys = () =>
    [...new Set(registeredRoutes(t.app).filter((r) => r.method !== 'HEAD' && !NOT_ENDPOINTS.some((re) => re.test(r.path))).map((r) => `${r.method} ${r.path}`))].sort();

  it('every registered route has a line in the table, and every line a route', () => {
    const registered = keys();
    expect(registered.filter((k) => !(k in ROUTE_TABLE))).toEqual([]);
    expect(Object.keys(ROUTE_TABLE).filter((k) => !registered.includes(k))).toEqual([]);
  });

  it('the table never lets a reviewer write, but for its own session, password, inbox and calendar feed address', () => {
    const bad = Object.entries(ROUTE_TABLE).filter(([k, rule]) => WRITE.has(k.split(' ')[0]) && rule !== PUBLIC && rule.includes('reviewer'));
    expect(bad.map(([k]) => k).sort()).toEqual(['DELETE /api/web/campaigns/:id/calendar-feed', 'POST /api/auth/logout', 'POST /api/auth/password', 'POST /api/notifications/:id/read']);
  });

  it('each route answers each role as the table says', async () => {
    const sessions = new Map<Role, AuthedHttp>();
    const session = async (role: Role) => {
      if (!sessions.has(role)) sessions.set(role, await t.as(role));
      return sessions.get(role)!;
    };
    const mismatches: string[] = [];
    for (const key of keys()) {
      const rule = ROUTE_TABLE[key];
      if (!rule) continue; // reported by the first test
      const [method, path] = key.split(' ');
      const url = concrete(path);
      for (const caller of CALLERS) {
        const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
        let req = caller === 'anonymous' ? request(t.app.getHttpServer())[verb](url) : (await session(caller))[verb](url);
        if (WRITE.has(method)) req = req.send({});
        const res = await req;
        const guardRefused = res.status === 401 || (res.status === 403 && typeof res.body?.details?.guard === 'string');
        const allowed = rule === PUBLIC || (caller !== 'anonymous' && rule.includes(caller));
        if (allowed === guardRefused) {
          mismatches.push(`${key} as ${caller}: expected ${allowed ? 'allowed' : 'refused'}, got ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
        }
        if (!allowed && caller === 'anonymous' && res.status !== 401) mismatches.push(`${key} as anonymous: expected 401, got ${res.status}`);
        if (!allowed && caller !== 'anonymous' && res.status !== 403) mismatches.push(`${key} as ${caller}: expected 403, got ${res.status}`);
        // Logging out ends the session the next calls would use.
        if (key === 'POST /api/auth/logout' && caller !== 'anonymous') sessions.delete(caller);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
