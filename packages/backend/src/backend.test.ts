import {
  DemoBackend,
  guestToken,
  startDemoBackend,
  waitForEntities,
} from './__testUtils__/demoBackend';

jest.setTimeout(240_000);

const ansiEscape = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const stripAnsi = (s: string) => s.replace(ansiEscape, '');

describe('the demo backend', () => {
  let backend: DemoBackend;

  beforeAll(async () => {
    backend = await startDemoBackend();
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('answers GET /api/ops/health with 200', async () => {
    const res = await fetch(`${backend.baseUrl}/api/ops/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('loads the demo catalog and serves ownership for a demo service', async () => {
    const { baseUrl } = backend;
    const token = await guestToken(baseUrl);
    const headers = { Authorization: `Bearer ${token}` };
    const agents = await waitForEntities(
      baseUrl,
      token,
      'kind=component,spec.type=ops-agent',
      2,
    );
    expect(agents.length).toBeGreaterThanOrEqual(2);

    const [served] = await waitForEntities(
      baseUrl,
      token,
      'kind=component,metadata.annotations.operable.dev/ops-agent',
    );
    const { kind, metadata } = served;
    const res = await fetch(
      `${baseUrl}/api/ops/entities/${kind}/${metadata.namespace}/${metadata.name}/ownership`,
      { headers },
    );
    expect(res.status).toBe(200);
    const ownership = await res.json();
    expect(ownership.builder.found).toBe(true);
    expect(ownership.builder.members.length).toBeGreaterThan(0);
    expect(ownership.opsAgent).toMatchObject({ found: true, isOpsAgent: true });
    expect(ownership.escalation.map((s: any) => s.group?.found)).toEqual([
      true,
      true,
      true,
    ]);
    expect(ownership.hints).toEqual([]);
  });

  it('started every plugin without an error', () => {
    const lines = stripAnsi(backend.output()).split('\n');
    // Backstage's development log lines read "<time> <plugin> <level> <message>".
    const errors = lines.filter(l => /^\S+\s+\S+\s+error\s/.test(l));
    expect(errors).toEqual([]);
    expect(backend.output()).toMatch(/Plugin initialization complete/);
  });
});
