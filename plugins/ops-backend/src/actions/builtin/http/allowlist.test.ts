import { HostAllowlist } from './allowlist';

describe('HostAllowlist', () => {
  const allowlist = new HostAllowlist([
    'api.example.com',
    'admin.example.com:8443',
    '*.status.example.com',
    '10.0.0.5:9000',
    '[fd00::1]',
  ]);

  it('matches listed hosts explicitly, on any port unless the entry names one', () => {
    expect(allowlist.matchHost('api.example.com', 443)).toBe('explicit');
    expect(allowlist.matchHost('API.Example.com.', 80)).toBe('explicit');
    expect(allowlist.matchHost('admin.example.com', 8443)).toBe('explicit');
    expect(allowlist.matchHost('admin.example.com', 443)).toBeUndefined();
    expect(allowlist.matchHost('10.0.0.5', 9000)).toBe('explicit');
    expect(allowlist.matchHost('10.0.0.5', 80)).toBeUndefined();
    expect(allowlist.matchHost('fd00:0::1', 80)).toBe('explicit');
  });

  it('matches names below a wildcard, but not the domain itself', () => {
    expect(allowlist.matchHost('eu.status.example.com', 443)).toBe('domain');
    expect(allowlist.matchHost('a.b.status.example.com', 443)).toBe('domain');
    expect(allowlist.matchHost('status.example.com', 443)).toBeUndefined();
    expect(allowlist.matchHost('evilstatus.example.com', 443)).toBeUndefined();
    expect(allowlist.matchHost('example.com', 443)).toBeUndefined();
  });

  it('knows the addresses listed themselves', () => {
    expect(allowlist.allowsAddress('10.0.0.5', 9000)).toBe(true);
    expect(allowlist.allowsAddress('::ffff:10.0.0.5', 9000)).toBe(true);
    expect(allowlist.allowsAddress('10.0.0.5', 9001)).toBe(false);
    expect(allowlist.allowsAddress('fd00::1', 1)).toBe(true);
    expect(allowlist.allowsAddress('10.0.0.6', 9000)).toBe(false);
  });
});
