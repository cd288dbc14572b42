import { createTestApp, TestApp } from '../support/test-app';
import { uniqueSlug } from '../support/builders';

describe('partners API', () => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp()));
  afterAll(() => t.close());

  it('creates, reads and lists a partner', async () => {
    const api = await t.as('manager');
    const slug = uniqueSlug('tudigo');
    const created = await api.post('/api/partners').send({ slug, name: 'Tudigo', kind: 'startup' }).expect(201);
    expect(created.body).toMatchObject({ slug, name: 'Tudigo', kind: 'startup' });
    const got = await api.get(`/api/partners/${created.body.id}`).expect(200);
    expect(got.body.channels).toEqual([]);
    const list = await api.get('/api/partners').expect(200);
    expect(list.body.map((p: { slug: string }) => p.slug)).toContain(slug);
  });

  it('refuses a duplicate slug with 409 and a stable code', async () => {
    const api = await t.as('manager');
    const slug = uniqueSlug('dup');
    await api.post('/api/partners').send({ slug, name: 'A' }).expect(201);
    const res = await api.post('/api/partners').send({ slug, name: 'B' }).expect(409);
    expect(res.body.code).toBe('conflict');
  });

  it('answers bad input with 4xx {code, message, details}', async () => {
    const api = await t.as('manager');
    const unknownField = await api.post('/api/partners').send({ slug: uniqueSlug('x'), name: 'X', colour: 'red' }).expect(400);
    expect(unknownField.body.code).toBe('validation_failed');
    expect(unknownField.body.message).toContain('colour');
    const wrongType = await api.post('/api/partners').send({ slug: 12, name: ['a'] }).expect(400);
    expect(wrongType.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['name', 'slug']);
    const malformed = await api.post('/api/partners').set('content-type', 'application/json').send('{"slug": ').expect(400);
    expect(malformed.body.code).toBe('malformed_json');
    const huge = await api.post('/api/partners').send({ slug: 'a', name: 'x'.repeat(1_100_000) }).expect(413);
    expect(huge.body.code).toBe('payload_too_large');
    const badId = await api.get('/api/partners/not-a-uuid').expect(400);
    expect(badId.body.code).toBe('validation_failed');
    const unknown = await api.get('/api/partners/00000000-0000-4000-8000-000000000000').expect(404);
    expect(unknown.body.code).toBe('not_found');
  });
});
