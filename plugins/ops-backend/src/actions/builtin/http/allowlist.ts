import { isIPv4, isIPv6 } from 'node:net';
import { canonicalAddress } from './addresses';

/** One parsed entry of `ops.agent.http.allowedHosts`. */
export type AllowedHost =
  /** A host name, exactly. */
  | { kind: 'host'; host: string; port?: number }
  /** `*.example.com`: any name below the domain (not the domain itself). */
  | { kind: 'domain'; domain: string; port?: number }
  /** An IP address, in canonical spelling. */
  | { kind: 'address'; address: string; port?: number };

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/;

function isHostName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 253 &&
    name.split('.').every(label => LABEL.test(label))
  );
}

function parsePort(text: string, entry: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new Error(`"${entry}" has an invalid port "${text}"`);
  }
  return port;
}

/** A host as matching compares it: lowercase, without a trailing dot. */
export function normalizeHostName(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/**
 * Parses one allowlist entry: `host`, `host:port`, `*.example.com`,
 * `*.example.com:port`, an IPv4 address with an optional port, or an IPv6
 * address (bare, or in brackets with an optional port). Throws an error
 * that says what is wrong.
 */
export function parseAllowedHost(entry: string): AllowedHost {
  const text = entry.trim().toLowerCase();
  if (text.includes('/')) {
    throw new Error(
      `"${entry}" is not a host; write the host name without scheme or path, e.g. api.example.com or api.example.com:8443`,
    );
  }
  if (isIPv6(text)) {
    return { kind: 'address', address: canonicalAddress(text)! };
  }
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    if (!isIPv6(bracketed[1])) {
      throw new Error(`"${entry}" is not an IPv6 address in brackets`);
    }
    return {
      kind: 'address',
      address: canonicalAddress(bracketed[1])!,
      ...(bracketed[2] !== undefined
        ? { port: parsePort(bracketed[2], entry) }
        : {}),
    };
  }
  const colon = text.lastIndexOf(':');
  const name = colon === -1 ? text : text.slice(0, colon);
  const port =
    colon === -1 ? undefined : parsePort(text.slice(colon + 1), entry);
  const withPort = port === undefined ? {} : { port };
  if (name === '*' || name === '*.') {
    throw new Error(
      `"${entry}" would allow every host; list the hosts (or *.domain) the agent may call`,
    );
  }
  if (name.startsWith('*.')) {
    const domain = normalizeHostName(name.slice(2));
    if (!isHostName(domain) || !domain.includes('.')) {
      throw new Error(
        `"${entry}" is not a valid wildcard; expected *.example.com, with at least two labels after "*."`,
      );
    }
    return { kind: 'domain', domain, ...withPort };
  }
  if (isIPv4(name)) return { kind: 'address', address: name, ...withPort };
  const host = normalizeHostName(name);
  if (!isHostName(host)) {
    throw new Error(
      `"${entry}" is not a host name, host:port, *.domain or IP address`,
    );
  }
  return { kind: 'host', host, ...withPort };
}

/** How a host matched the allowlist. */
export type HostMatch =
  /** Listed by name or IP address: it may resolve to a non-public address. */
  | 'explicit'
  /** Only below a listed `*.domain`: it must resolve to public addresses. */
  | 'domain';

/** The allowlist of hosts the HTTP actions may call. */
export class HostAllowlist {
  private readonly entries: AllowedHost[];

  constructor(entries: ReadonlyArray<string | AllowedHost>) {
    this.entries = entries.map(e =>
      typeof e === 'string' ? parseAllowedHost(e) : e,
    );
  }

  /**
   * Whether `host` (a URL's host name, IPv6 without brackets) on `port` is
   * listed, and how.
   */
  matchHost(host: string, port: number): HostMatch | undefined {
    const name = normalizeHostName(host);
    const address = canonicalAddress(name);
    let match: HostMatch | undefined;
    for (const entry of this.entries) {
      if (entry.port !== undefined && entry.port !== port) continue;
      if (entry.kind === 'host' && entry.host === name) return 'explicit';
      if (entry.kind === 'address' && entry.address === address) {
        return 'explicit';
      }
      if (
        entry.kind === 'domain' &&
        address === undefined &&
        name.endsWith(`.${entry.domain}`)
      ) {
        match = 'domain';
      }
    }
    return match;
  }

  /** Whether an IP address on `port` is listed itself. */
  allowsAddress(address: string, port: number): boolean {
    const canonical = canonicalAddress(address);
    return this.entries.some(
      e =>
        e.kind === 'address' &&
        e.address === canonical &&
        (e.port === undefined || e.port === port),
    );
  }
}
