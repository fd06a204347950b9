import { ConfigReader } from '@backstage/config';
import { readAgentHttpConfig } from './config';

function read(http: unknown) {
  return readAgentHttpConfig(
    new ConfigReader({ ops: { agent: { http } } } as any),
  );
}

describe('readAgentHttpConfig', () => {
  it('allows nothing by default, with a 10s timeout and 3 redirects', () => {
    expect(readAgentHttpConfig(new ConfigReader({}))).toEqual({
      allowedHosts: [],
      timeoutMs: 10_000,
      maxRedirects: 3,
    });
  });

  it('parses every kind of entry', () => {
    expect(
      read({
        allowedHosts: [
          'api.example.com',
          'Checkout.Internal:8443',
          '*.status.example.com',
          '*.example.org:443',
          '10.0.0.5',
          '10.0.0.6:9000',
          '::1',
          '[fd00::1]:8080',
        ],
        timeout: '2s',
        maxRedirects: 0,
      }),
    ).toEqual({
      allowedHosts: [
        { kind: 'host', host: 'api.example.com' },
        { kind: 'host', host: 'checkout.internal', port: 8443 },
        { kind: 'domain', domain: 'status.example.com' },
        { kind: 'domain', domain: 'example.org', port: 443 },
        { kind: 'address', address: '10.0.0.5' },
        { kind: 'address', address: '10.0.0.6', port: 9000 },
        {
          kind: 'address',
          address: '0000:0000:0000:0000:0000:0000:0000:0001',
        },
        {
          kind: 'address',
          address: 'fd00:0000:0000:0000:0000:0000:0000:0001',
          port: 8080,
        },
      ],
      timeoutMs: 2000,
      maxRedirects: 0,
    });
  });

  it.each([
    ['*', '\'ops.agent.http.allowedHosts[0]\': "*" would allow every host'],
    ['https://api.example.com', 'write the host name without scheme or path'],
    ['api.example.com:99999', 'has an invalid port "99999"'],
    ['*.com', 'with at least two labels after "*."'],
    ['bad host', 'is not a host name, host:port, *.domain or IP address'],
    ['[not-v6]:80', 'is not an IPv6 address in brackets'],
  ])('refuses the entry %p, naming the key', (entry, message) => {
    expect(() => read({ allowedHosts: [entry] })).toThrow(message);
  });

  it('refuses a bad timeout or redirect count, naming the key', () => {
    expect(() => read({ timeout: 'soon' })).toThrow(
      "Invalid config at 'ops.agent.http.timeout'",
    );
    expect(() => read({ maxRedirects: 2.5 })).toThrow(
      "Invalid config at 'ops.agent.http.maxRedirects': expected a whole number from 0 to 20, got 2.5",
    );
    expect(() => read({ allowedHosts: 'api.example.com' })).toThrow(
      'ops.agent.http.allowedHosts',
    );
  });
});
