import { createTestApp, TestApp } from '../support/test-app';

/** /health names the network API versions in use and warns when one is past its end. */
describe('/health and network API versions', () => {
  let t: TestApp;
  const saved = { li: process.env.LINKEDIN_API_VERSION, meta: process.env.META_GRAPH_VERSION };
  beforeAll(async () => {
    // Both long retired: the warning can only be there.
    process.env.LINKEDIN_API_VERSION = '202401';
    process.env.META_GRAPH_VERSION = 'v19.0';
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
    for (const [k, v] of [['LINKEDIN_API_VERSION', saved.li], ['META_GRAPH_VERSION', saved.meta]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('reports each version with its end and a warning naming the variable to change, without failing the check', async () => {
    // The other checks (a 2 s database ping) may fail on a starved test machine: this test is about
    // the versions' own check, which must stay up and say why.
    const res = await t.http().get('/health');
    expect(res.body.error?.networkApiVersions).toBeUndefined();
    const versions = res.body.details.networkApiVersions;
    expect(versions.status).toBe('up');
    expect(versions.linkedin).toMatchObject({ version: '202401', endsAt: '2025-01-15', state: 'ended' });
    expect(versions.linkedin.warning).toMatch(/LINKEDIN_API_VERSION/);
    expect(versions.meta).toMatchObject({ version: 'v19.0', state: 'ended' });
    expect(versions.meta.warning).toMatch(/META_GRAPH_VERSION/);
  });
});
