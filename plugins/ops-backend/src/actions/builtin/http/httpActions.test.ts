import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { InputError, NotAllowedError } from '@backstage/errors';
import { mockOpsActionContext } from '@operable/backstage-plugin-ops-node/testUtils';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ActionExecutionContext, ActionRegistry } from '../../ActionRegistry';
import { ActionAbortedError, ActionTimeoutError } from '../../errors';
import { readAgentHttpConfig } from './config';
import { HostResolver } from './GuardedHttpClient';
import { createHttpActions } from './httpActions';

interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface TestServer {
  port: number;
  url(path: string): string;
  received: Received[];
  /** Resolves with the next request to `path` once its body has arrived. */
  next(path: string): Promise<{ closed: Promise<void> }>;
  close(): Promise<void>;
}

const servers: TestServer[] = [];

/**
 * A real HTTP server on 127.0.0.1 that records what reaches it:
 * `/ok` answers JSON, `/text` text, `/big` 100 KiB, `/status?code=` that
 * status, `/redirect?to=&status=` a redirect, `/echo` the request back as
 * JSON, `/hang` never answers.
 */
async function startServer(): Promise<TestServer> {
  const received: Received[] = [];
  const waiting = new Map<string, (r: { closed: Promise<void> }) => void>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://test');
      const entry: Received = {
        method: req.method!,
        path: url.pathname,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      received.push(entry);
      const closed = new Promise<void>(resolve => res.on('close', resolve));
      waiting.get(url.pathname)?.({ closed });
      waiting.delete(url.pathname);
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      switch (url.pathname) {
        case '/ok':
          json(200, { ok: true });
          break;
        case '/echo':
          json(200, entry);
          break;
        case '/text':
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('all good');
          break;
        case '/big':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(`"${'x'.repeat(100 * 1024)}"`);
          break;
        case '/status':
          res.writeHead(Number(url.searchParams.get('code')));
          res.end(`status ${url.searchParams.get('code')}`);
          break;
        case '/redirect':
          res.writeHead(Number(url.searchParams.get('status') ?? 302), {
            location: url.searchParams.get('to')!,
          });
          res.end();
          break;
        case '/hang':
          break;
        default:
          json(404, { error: 'no such path' });
      }
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const testServer: TestServer = {
    port,
    url: path => `http://127.0.0.1:${port}${path}`,
    received,
    next: path =>
      new Promise(resolve => {
        waiting.set(path, resolve);
      }),
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(testServer);
  return testServer;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map(s => s.close()));
});

function registryWith(
  httpConfig: JsonObject,
  resolveHost?: HostResolver,
): ActionRegistry {
  const registry = new ActionRegistry();
  registry.add(
    ...createHttpActions({
      config: readAgentHttpConfig(
        new ConfigReader({ ops: { agent: { http: httpConfig } } }),
      ),
      resolveHost,
    }),
  );
  return registry;
}

function context(
  overrides: Partial<ActionExecutionContext> = {},
): ActionExecutionContext {
  const { input: _input, ...rest } = mockOpsActionContext({
    runId: 'run-42',
    stepId: 'restart',
    ...overrides,
  });
  return rest;
}

/** A resolver that knows a few names, as a DNS server under test would. */
function fakeDns(names: Record<string, string[]>): HostResolver {
  return async host => {
    const addresses = names[host];
    if (!addresses) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {
        code: 'ENOTFOUND',
      });
    }
    return addresses.map(address => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
  };
}

describe('http:request', () => {
  it('sends the request with an Idempotency-Key and returns the parsed answer', async () => {
    const server = await startServer();
    const registry = registryWith({ allowedHosts: ['127.0.0.1'] });
    const output = (await registry.execute(
      'http:request',
      {
        method: 'post',
        url: server.url('/echo?x=1'),
        headers: { 'X-Request-Source': 'runbook' },
        body: { replicas: 3 },
      },
      context(),
    )) as any;

    expect(output.status).toBe(200);
    expect(output.headers['content-type']).toBe('application/json');
    expect(output.body).toMatchObject({
      method: 'POST',
      path: '/echo',
      body: '{"replicas":3}',
    });
    expect(server.received).toHaveLength(1);
    const [request] = server.received;
    expect(request.headers['idempotency-key']).toBe('run-42:restart');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-request-source']).toBe('runbook');
    expect(request.headers['user-agent']).toBe('operable-ops-agent');
  });

  it('returns text as text', async () => {
    const server = await startServer();
    const registry = registryWith({ allowedHosts: ['127.0.0.1'] });
    await expect(
      registry.execute(
        'http:request',
        { method: 'GET', url: server.url('/text') },
        context(),
      ),
    ).resolves.toMatchObject({ status: 200, body: 'all good' });
  });

  it('cuts a long body and says so', async () => {
    const server = await startServer();
    const registry = registryWith({ allowedHosts: ['127.0.0.1'] });
    const output = (await registry.execute(
      'http:request',
      { method: 'GET', url: server.url('/big') },
      context(),
    )) as any;
    expect(output.truncated).toBe(true);
    expect(output.body).toHaveLength(64 * 1024);
  });

  it('fails on an unexpected status, and takes the statuses it is told to expect', async () => {
    const server = await startServer();
    const registry = registryWith({ allowedHosts: ['127.0.0.1'] });
    await expect(
      registry.execute(
        'http:request',
        { method: 'POST', url: server.url('/status?code=503') },
        context(),
      ),
    ).rejects.toThrow(
      `POST ${server.url(
        '/status?code=503',
      )} answered 503, expected 2xx: status 503`,
    );
    await expect(
      registry.execute(
        'http:request',
        {
          method: 'POST',
          url: server.url('/status?code=409'),
          expectStatus: [200, 409],
        },
        context(),
      ),
    ).resolves.toMatchObject({ status: 409, body: 'status 409' });
  });

  it('refuses a host that is not allowlisted, without calling it', async () => {
    const server = await startServer();
    const registry = registryWith({ allowedHosts: ['api.example.com'] });
    const error: any = await registry
      .execute(
        'http:request',
        { method: 'POST', url: server.url('/ok') },
        context(),
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toBe(
      `Refused to call 127.0.0.1:${server.port}: the host is not in ops.agent.http.allowedHosts`,
    );
    expect(server.received).toEqual([]);
  });

  it('refuses another port of an allowlisted host when the entry names a port', async () => {
    const server = await startServer();
    const registry = registryWith({
      allowedHosts: [`127.0.0.1:${server.port + 1}`],
    });
    await expect(
      registry.execute(
        'http:request',
        { method: 'GET', url: server.url('/ok') },
        context(),
      ),
    ).rejects.toThrow(NotAllowedError);
    expect(server.received).toEqual([]);
  });

  it('refuses a host allowed by a wildcard that resolves to a loopback address', async () => {
    const server = await startServer();
    const dns = fakeDns({ 'status.example.com': ['127.0.0.1'] });
    const registry = registryWith({ allowedHosts: ['*.example.com'] }, dns);
    const error: any = await registry
      .execute(
        'http:request',
        {
          method: 'GET',
          url: `http://status.example.com:${server.port}/ok`,
        },
        context(),
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toBe(
      `Refused to call status.example.com:${server.port}: it resolves to 127.0.0.1, a loopback address, and a host allowed only by a *.domain entry must resolve to public addresses; list the host or the address in ops.agent.http.allowedHosts to reach it`,
    );
    expect(server.received).toEqual([]);
  });

  it('reaches the same host when it is listed itself, at the address it checked', async () => {
    const server = await startServer();
    // The name exists only in this resolver: the request can only reach the
    // server if the connection goes to the address that was checked.
    const dns = fakeDns({ 'status.example.com': ['127.0.0.1'] });
    const registry = registryWith(
      { allowedHosts: ['*.example.com', 'status.example.com'] },
      dns,
    );
    await expect(
      registry.execute(
        'http:request',
        {
          method: 'GET',
          url: `http://status.example.com:${server.port}/echo`,
        },
        context(),
      ),
    ).resolves.toMatchObject({ status: 200, body: { path: '/echo' } });
    expect(server.received[0].headers.host).toBe(
      `status.example.com:${server.port}`,
    );
  });

  it('reaches a wildcard host at a private address when the address is listed', async () => {
    const server = await startServer();
    const dns = fakeDns({ 'status.example.com': ['127.0.0.1'] });
    const registry = registryWith(
      { allowedHosts: ['*.example.com', `127.0.0.1:${server.port}`] },
      dns,
    );
    await expect(
      registry.execute(
        'http:request',
        { method: 'GET', url: `http://status.example.com:${server.port}/ok` },
        context(),
      ),
    ).resolves.toMatchObject({ status: 200 });
  });

  it('refuses IPv4-mapped IPv6 and mixed answers that hide a private address', async () => {
    const dns = fakeDns({
      'mapped.example.com': ['::ffff:169.254.169.254'],
      'mixed.example.com': ['93.184.215.14', '10.0.0.7'],
    });
    const registry = registryWith({ allowedHosts: ['*.example.com'] }, dns);
    await expect(
      registry.execute(
        'http:request',
        { method: 'GET', url: 'http://mapped.example.com/' },
        context(),
      ),
    ).rejects.toThrow(
      'it resolves to ::ffff:169.254.169.254, a link-local address',
    );
    await expect(
      registry.execute(
        'http:request',
        { method: 'GET', url: 'http://mixed.example.com/' },
        context(),
      ),
    ).rejects.toThrow('it resolves to 10.0.0.7, a private address');
  });

  it('resolves real names: localhost is reachable when it is listed', async () => {
    const server = await startServer();
    const registry = registryWith({ allowedHosts: ['localhost'] });
    await expect(
      registry.execute(
        'http:request',
        { method: 'GET', url: `http://localhost:${server.port}/ok` },
        context(),
      ),
    ).resolves.toMatchObject({ status: 200, body: { ok: true } });
  });

  it('refuses localhost when only its address is listed', async () => {
    const server = await startServer();
    const registry = registryWith({ allowedHosts: ['127.0.0.1'] });
    await expect(
      registry.execute(
        'http:request',
        { method: 'GET', url: `http://localhost:${server.port}/ok` },
        context(),
      ),
    ).rejects.toThrow(
      `Refused to call localhost:${server.port}: the host is not in ops.agent.http.allowedHosts`,
    );
    expect(server.received).toEqual([]);
  });

  it('fails with the resolver error for a name that does not resolve', async () => {
    const registry = registryWith(
      { allowedHosts: ['*.example.com'] },
      fakeDns({}),
    );
    await expect(
      registry.execute(
        'http:request',
        { method: 'GET', url: 'http://gone.example.com/' },
        context(),
      ),
    ).rejects.toThrow('Could not resolve gone.example.com: ENOTFOUND');
  });

  it('follows a redirect chain, checking every hop', async () => {
    const first = await startServer();
    const second = await startServer();
    const registry = registryWith({ allowedHosts: ['127.0.0.1'] });
    const final = second.url('/echo');
    const middle = first.url(
      `/redirect?status=307&to=${encodeURIComponent(final)}`,
    );
    const output = (await registry.execute(
      'http:request',
      {
        method: 'POST',
        url: first.url(`/redirect?status=308&to=${encodeURIComponent(middle)}`),
        headers: { Authorization: 'Bearer for-the-first-origin' },
        body: 'restart',
      },
      context(),
    )) as any;

    expect(output.status).toBe(200);
    expect(output.redirects).toEqual([middle, final]);
    expect(first.received.map(r => [r.method, r.body])).toEqual([
      ['POST', 'restart'],
      ['POST', 'restart'],
    ]);
    expect(first.received[1].headers.authorization).toBe(
      'Bearer for-the-first-origin',
    );
    const [arrived] = second.received;
    expect(arrived.method).toBe('POST');
    expect(arrived.body).toBe('restart');
    expect(arrived.headers['idempotency-key']).toBe('run-42:restart');
    // Credentials stay with the origin they were meant for.
    expect(arrived.headers.authorization).toBeUndefined();
  });

  it('continues a POST as a GET after a 303', async () => {
    const server = await startServer();
    const registry = registryWith({ allowedHosts: ['127.0.0.1'] });
    await registry.execute(
      'http:request',
      {
        method: 'POST',
        url: server.url(
          `/redirect?status=303&to=${encodeURIComponent('/echo')}`,
        ),
        body: { a: 1 },
      },
      context(),
    );
    expect(server.received.map(r => [r.method, r.path, r.body])).toEqual([
      ['POST', '/redirect', '{"a":1}'],
      ['GET', '/echo', ''],
    ]);
    expect(server.received[1].headers['content-type']).toBeUndefined();
  });

  it('refuses a redirect to a host that is not allowlisted, without calling it', async () => {
    const allowed = await startServer();
    const other = await startServer();
    const registry = registryWith({
      allowedHosts: [`127.0.0.1:${allowed.port}`],
    });
    const error: any = await registry
      .execute(
        'http:request',
        {
          method: 'POST',
          url: allowed.url(
            `/redirect?to=${encodeURIComponent(other.url('/ok'))}`,
          ),
        },
        context(),
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toBe(
      `Refused to call 127.0.0.1:${other.port}: the host is not in ops.agent.http.allowedHosts`,
    );
    expect(allowed.received).toHaveLength(1);
    expect(other.received).toEqual([]);
  });

  it('refuses a redirect to a scheme other than http and https', async () => {
    const server = await startServer();
    const registry = registryWith({ allowedHosts: ['127.0.0.1'] });
    await expect(
      registry.execute(
        'http:request',
        {
          method: 'GET',
          url: server.url(
            `/redirect?to=${encodeURIComponent('file:///etc/passwd')}`,
          ),
        },
        context(),
      ),
    ).rejects.toThrow(NotAllowedError);
  });

  it('stops after maxRedirects', async () => {
    const server = await startServer();
    const registry = registryWith({
      allowedHosts: ['127.0.0.1'],
      maxRedirects: 1,
    });
    const last = server.url('/ok');
    const second = server.url(`/redirect?to=${encodeURIComponent(last)}`);
    const first = server.url(`/redirect?to=${encodeURIComponent(second)}`);
    await expect(
      registry.execute(
        'http:request',
        { method: 'GET', url: first },
        context(),
      ),
    ).rejects.toThrow(
      `GET ${first} redirected more than 1 times (ops.agent.http.maxRedirects); the last hop ${second} redirects to ${last}`,
    );
    expect(server.received.map(r => r.path)).toEqual([
      '/redirect',
      '/redirect',
    ]);
  });

  it('returns a redirect it is told to expect instead of following it', async () => {
    const server = await startServer();
    const registry = registryWith({ allowedHosts: ['127.0.0.1'] });
    await expect(
      registry.execute(
        'http:request',
        {
          method: 'GET',
          url: server.url('/redirect?status=302&to=/ok'),
          expectStatus: [302],
        },
        context(),
      ),
    ).resolves.toMatchObject({ status: 302, headers: { location: '/ok' } });
    expect(server.received).toHaveLength(1);
  });

  it('times out', async () => {
    const server = await startServer();
    const registry = registryWith({
      allowedHosts: ['127.0.0.1'],
      timeout: '200ms',
    });
    const arrived = server.next('/hang');
    const error: any = await registry
      .execute(
        'http:request',
        { method: 'POST', url: server.url('/hang') },
        context(),
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(ActionTimeoutError);
    expect(error.message).toBe(
      `POST ${server.url('/hang')} timed out after 200 ms`,
    );
    // The request was really sent, and its connection closed afterwards.
    await (
      await arrived
    ).closed;
  });

  it('stops the request when the step is aborted', async () => {
    const server = await startServer();
    const registry = registryWith({ allowedHosts: ['127.0.0.1'] });
    const controller = new AbortController();
    const arrived = server.next('/hang');
    const execution = registry.execute(
      'http:request',
      { method: 'POST', url: server.url('/hang') },
      context({ signal: controller.signal }),
    );
    const { closed } = await arrived;
    controller.abort(new Error('the run was cancelled'));
    const error: any = await execution.catch(e => e);
    expect(error).toBeInstanceOf(ActionAbortedError);
    expect(error.message).toContain('the run was cancelled');
    await closed;
  });

  it('redacts secrets from what it returns, but sends them', async () => {
    const server = await startServer();
    const registry = registryWith({ allowedHosts: ['127.0.0.1'] });
    const output = (await registry.execute(
      'http:request',
      {
        method: 'POST',
        url: server.url('/echo'),
        headers: { 'X-Admin-Key': 'adm-7f3a', 'X-Note': 'key is adm-7f3a' },
        body: 'token=adm-7f3a',
      },
      context({ secrets: { ADMIN_KEY: 'adm-7f3a' } }),
    )) as any;
    expect(server.received[0].headers['x-admin-key']).toBe('adm-7f3a');
    expect(server.received[0].body).toBe('token=adm-7f3a');
    expect(output.body.headers['x-admin-key']).toBe('***');
    expect(output.body.headers['x-note']).toBe('key is ***');
    expect(output.body.body).toBe('token=***');
    expect(JSON.stringify(output)).not.toContain('adm-7f3a');
  });

  it('in a dry run sends nothing and reports what it would send', async () => {
    const server = await startServer();
    const registry = registryWith({ allowedHosts: ['127.0.0.1'] });
    const output = await registry.execute(
      'http:request',
      {
        method: 'POST',
        url: server.url('/ok'),
        headers: { Authorization: 'Bearer sk-live-1' },
        body: { replicas: 3 },
      },
      context({ dryRun: true, secrets: { KEY: 'sk-live-1' } }),
    );
    expect(output).toEqual({
      dryRun: true,
      request: {
        method: 'POST',
        url: server.url('/ok'),
        headers: {
          Authorization: '***',
          'User-Agent': 'operable-ops-agent',
          'Content-Type': 'application/json',
          'Idempotency-Key': 'run-42:restart',
        },
        body: '{"replicas":3}',
      },
    });
    expect(server.received).toEqual([]);
  });

  it('in a dry run still refuses what it would refuse', async () => {
    const registry = registryWith({ allowedHosts: ['api.example.com'] });
    await expect(
      registry.execute(
        'http:request',
        { method: 'POST', url: 'http://127.0.0.1:9/' },
        context({ dryRun: true }),
      ),
    ).rejects.toThrow(NotAllowedError);
  });

  it('refuses malformed input with InputErrors', async () => {
    const registry = registryWith({ allowedHosts: ['127.0.0.1'] });
    const attempt = (input: unknown): Promise<any> =>
      registry.execute('http:request', input, context()).catch(e => e);

    const scheme = await attempt({ method: 'GET', url: 'ftp://127.0.0.1/' });
    expect(scheme).toBeInstanceOf(InputError);
    expect(scheme.message).toContain(
      'url: only http and https URLs may be called, not ftp:',
    );
    expect(
      (await attempt({ method: 'GET', url: 'not a url' })).message,
    ).toContain('url: "not a url" is not an absolute URL');
    expect(
      (await attempt({ method: 'BREW', url: 'http://127.0.0.1/' })).message,
    ).toContain('method: Invalid enum value');
    const reserved = await attempt({
      method: 'GET',
      url: 'http://127.0.0.1/',
      headers: { Host: 'internal', 'Idempotency-Key': 'mine' },
    });
    expect(reserved).toBeInstanceOf(InputError);
    expect(reserved.message).toContain(
      'headers.Host: Host is set by the agent and cannot be given',
    );
    expect(reserved.message).toContain(
      'headers.Idempotency-Key: Idempotency-Key is set by the agent',
    );
    expect(
      (
        await attempt({
          method: 'GET',
          url: 'http://127.0.0.1/',
          headers: { 'X-Bad': 'a\r\nInjected: yes' },
        })
      ).message,
    ).toContain('headers.X-Bad: a header value cannot hold line breaks');
    expect(
      (await attempt({ method: 'GET', url: 'http://u:p@127.0.0.1/' })).message,
    ).toContain('url: the URL carries credentials');
    expect(
      (await attempt({ method: 'GET', url: 'http://127.0.0.1/', header: {} }))
        .message,
    ).toContain("Unrecognized key(s) in object: 'header'");
  });
});

describe('http:check', () => {
  it('reports a healthy endpoint', async () => {
    const server = await startServer();
    const registry = registryWith({ allowedHosts: ['127.0.0.1'] });
    const output = (await registry.execute(
      'http:check',
      { url: server.url('/ok') },
      context(),
    )) as any;
    expect(output).toEqual({
      status: 200,
      ok: true,
      durationMs: expect.any(Number),
      body: { ok: true },
    });
    expect(server.received[0].method).toBe('GET');
    expect(server.received[0].headers['idempotency-key']).toBe(
      'run-42:restart',
    );
  });

  it('reports a failing status as a finding, without throwing', async () => {
    const server = await startServer();
    const registry = registryWith({ allowedHosts: ['127.0.0.1'] });
    await expect(
      registry.execute(
        'http:check',
        { url: server.url('/status?code=503') },
        context(),
      ),
    ).resolves.toMatchObject({ status: 503, ok: false, body: 'status 503' });
    await expect(
      registry.execute(
        'http:check',
        {
          url: server.url('/status?code=503'),
          method: 'HEAD',
          expectStatus: [503],
        },
        context(),
      ),
    ).resolves.toEqual({
      status: 503,
      ok: true,
      durationMs: expect.any(Number),
    });
  });

  it('runs in a dry run, since it only reads', async () => {
    const server = await startServer();
    const registry = registryWith({ allowedHosts: ['127.0.0.1'] });
    expect(registry.get('http:check')?.readOnly).toBe(true);
    await expect(
      registry.execute(
        'http:check',
        { url: server.url('/ok') },
        context({ dryRun: true }),
      ),
    ).resolves.toMatchObject({ status: 200, ok: true });
    expect(server.received).toHaveLength(1);
  });

  it('throws on refusals and network errors', async () => {
    const server = await startServer();
    const closedPort = server.port;
    await server.close();
    const registry = registryWith({ allowedHosts: ['127.0.0.1'] });
    await expect(
      registry.execute(
        'http:check',
        { url: `http://127.0.0.1:${closedPort}/ok` },
        context(),
      ),
    ).rejects.toThrow(
      `GET http://127.0.0.1:${closedPort}/ok failed: connect ECONNREFUSED 127.0.0.1:${closedPort}`,
    );
    await expect(
      registry.execute(
        'http:check',
        { url: 'http://10.0.0.1/health' },
        context(),
      ),
    ).rejects.toThrow(NotAllowedError);
  });

  it('follows redirects with the same checks', async () => {
    const allowed = await startServer();
    const other = await startServer();
    const registry = registryWith({
      allowedHosts: [`127.0.0.1:${allowed.port}`],
    });
    await expect(
      registry.execute(
        'http:check',
        { url: allowed.url(`/redirect?to=${encodeURIComponent('/ok')}`) },
        context(),
      ),
    ).resolves.toMatchObject({ status: 200, ok: true });
    await expect(
      registry.execute(
        'http:check',
        {
          url: allowed.url(
            `/redirect?to=${encodeURIComponent(other.url('/ok'))}`,
          ),
        },
        context(),
      ),
    ).rejects.toThrow(NotAllowedError);
    expect(other.received).toEqual([]);
  });
});
