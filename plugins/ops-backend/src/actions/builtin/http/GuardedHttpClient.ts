import { InputError, NotAllowedError } from '@backstage/errors';
import { promises as dns, LookupAddress, LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import {
  abortReason,
  ActionAbortedError,
  ActionTimeoutError,
  raceAbort,
} from '../../errors';
import { classifyAddress, describeAddressClass } from './addresses';
import { HostAllowlist } from './allowlist';
import { AgentHttpConfig } from './config';

/** Resolves a host name to all its addresses, like `dns.lookup` with `all`. */
export type HostResolver = (host: string) => Promise<LookupAddress[]>;

/** The system resolver, as the operating system answers. */
export const resolveWithDns: HostResolver = host =>
  dns.lookup(host, { all: true, verbatim: true });

/** A request as the caller gives it; the body is already serialised. */
export interface OutboundRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Content type for the body when `headers` names none. */
  contentType?: string;
}

/** A request as it goes out: what a dry run reports. */
export interface PreparedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The body was longer than the limit and was cut. */
  truncated: boolean;
  /** The URL that answered, after redirects. */
  url: string;
  /** Each URL redirected to, in order. */
  redirects: string[];
}

export interface SendOptions {
  signal: AbortSignal;
  /** Most bytes of a response body kept. */
  maxBodyBytes: number;
  /** Redirect statuses returned as they are instead of followed. */
  keepStatuses?: number[];
}

/** A host checked against the allowlist, with the addresses to connect to. */
interface CheckedTarget {
  url: URL;
  host: string;
  port: number;
  addresses: LookupAddress[];
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
// Credentials for one origin never follow a redirect to another.
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
const USER_AGENT = 'operable-ops-agent';

function hostOf(url: URL): string {
  return url.hostname.startsWith('[')
    ? url.hostname.slice(1, -1)
    : url.hostname;
}

function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

function hostAndPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function withoutHeaders(
  headers: Record<string, string>,
  names: string[],
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([k]) => !names.includes(k.toLowerCase())),
  );
}

function flattenHeaders(
  headers: http.IncomingHttpHeaders,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) {
      result[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return result;
}

/**
 * Outbound HTTP for the ops agent's actions, with the safety rules of
 * `ops.agent.http`: only allowlisted hosts; a host allowed only through a
 * `*.domain` entry must resolve to public addresses; the connection goes to
 * the very address that was checked (no second lookup to rebind); redirects
 * are followed by hand and every hop is checked again; one deadline for the
 * whole call; every request carries the step's `Idempotency-Key`.
 */
export class GuardedHttpClient {
  private readonly allowlist: HostAllowlist;
  private readonly resolveHost: HostResolver;

  constructor(
    private readonly config: AgentHttpConfig,
    options: { resolveHost?: HostResolver } = {},
  ) {
    this.allowlist = new HostAllowlist(config.allowedHosts);
    this.resolveHost = options.resolveHost ?? resolveWithDns;
  }

  /** The request as it would go out: URL checked, headers complete. */
  prepare(request: OutboundRequest, idempotencyKey: string): PreparedRequest {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new InputError(`"${request.url}" is not a valid URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new NotAllowedError(
        `Refused to call ${url.href}: only http and https URLs may be called`,
      );
    }
    if (url.username || url.password) {
      throw new InputError(
        `The URL ${url.host} carries credentials; send them in an Authorization header instead`,
      );
    }
    const headers: Record<string, string> = {};
    const named = new Set<string>();
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      headers[name] = value;
      named.add(name.toLowerCase());
    }
    if (!named.has('user-agent')) headers['User-Agent'] = USER_AGENT;
    if (request.body !== undefined && !named.has('content-type')) {
      headers['Content-Type'] = request.contentType ?? 'text/plain';
    }
    headers['Idempotency-Key'] = idempotencyKey;
    return {
      method: request.method,
      url: url.href,
      headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
    };
  }

  /**
   * Checks a URL's host against the allowlist and its addresses against the
   * address rules without calling it. Throws `NotAllowedError` on refusal.
   */
  async check(url: string, signal: AbortSignal): Promise<void> {
    await this.checkTarget(new URL(url), signal);
  }

  /**
   * Sends a prepared request and follows redirects, within the configured
   * timeout and until `signal` aborts. Any status is returned; refusals
   * throw `NotAllowedError`, the timeout `ActionTimeoutError`, an abort
   * `ActionAbortedError`, network failures an `Error` that names the URL.
   */
  async send(
    request: PreparedRequest,
    options: SendOptions,
  ): Promise<OutboundResponse> {
    const deadline = new AbortController();
    const timer = setTimeout(
      () =>
        deadline.abort(
          new ActionTimeoutError(
            `${request.method} ${request.url} timed out after ${this.config.timeoutMs} ms`,
          ),
        ),
      this.config.timeoutMs,
    );
    const signal = AbortSignal.any([options.signal, deadline.signal]);
    const stopped = () =>
      deadline.signal.aborted
        ? (deadline.signal.reason as Error)
        : new ActionAbortedError(
            `${request.method} ${request.url} was aborted: ${abortReason(
              options.signal,
            )}`,
          );
    try {
      return await raceAbort(
        this.follow(request, options, signal),
        signal,
        stopped,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private async follow(
    request: PreparedRequest,
    options: SendOptions,
    signal: AbortSignal,
  ): Promise<OutboundResponse> {
    let url = new URL(request.url);
    let method = request.method;
    let headers = request.headers;
    let body = request.body;
    const redirects: string[] = [];
    for (;;) {
      const target = await this.checkTarget(url, signal);
      const response = await this.exchange(
        target,
        { method, headers, body },
        options.maxBodyBytes,
        signal,
      );
      const location = response.headers.location;
      if (
        !REDIRECTS.has(response.status) ||
        !location ||
        options.keepStatuses?.includes(response.status)
      ) {
        return { ...response, url: url.href, redirects };
      }
      if (redirects.length >= this.config.maxRedirects) {
        throw new Error(
          `${request.method} ${request.url} redirected more than ${this.config.maxRedirects} times (ops.agent.http.maxRedirects); the last hop ${url.href} redirects to ${location}`,
        );
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new Error(
          `${url.href} redirected to "${location}", which is not a valid URL`,
        );
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new NotAllowedError(
          `Refused to follow the redirect from ${url.href} to ${next.href}: only http and https URLs may be called`,
        );
      }
      next.username = '';
      next.password = '';
      // As browsers do: 303, and 301/302 after a POST, continue as a GET
      // without the body.
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) &&
          method === 'POST')
      ) {
        if (method !== 'HEAD') method = 'GET';
        body = undefined;
        headers = withoutHeaders(headers, ['content-type']);
      }
      if (next.origin !== url.origin) {
        headers = withoutHeaders(headers, ORIGIN_BOUND_HEADERS);
      }
      redirects.push(next.href);
      url = next;
    }
  }

  private async checkTarget(
    url: URL,
    signal: AbortSignal,
  ): Promise<CheckedTarget> {
    const host = hostOf(url);
    const port = portOf(url);
    const where = hostAndPort(host, port);
    const match = this.allowlist.matchHost(host, port);
    if (!match) {
      throw new NotAllowedError(
        `Refused to call ${where}: the host is not in ops.agent.http.allowedHosts`,
      );
    }

    let addresses: LookupAddress[];
    const family = isIP(host);
    if (family) {
      addresses = [{ address: host, family }];
    } else {
      try {
        addresses = await raceAbort(
          this.resolveHost(host),
          signal,
          () => signal.reason,
        );
      } catch (error) {
        if (signal.aborted) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        throw new Error(
          `Could not resolve ${host}: ${code ?? (error as Error).message}`,
        );
      }
      if (addresses.length === 0) {
        throw new Error(`Could not resolve ${host}: no addresses`);
      }
    }

    for (const { address } of addresses) {
      const cls = classifyAddress(address);
      if (cls === undefined) {
        throw new Error(
          `Could not resolve ${host}: "${address}" is not an IP address`,
        );
      }
      if (
        cls !== 'public' &&
        match !== 'explicit' &&
        !this.allowlist.allowsAddress(address, port)
      ) {
        throw new NotAllowedError(
          `Refused to call ${where}: it resolves to ${address}, ${describeAddressClass(
            cls,
          )}, and a host allowed only by a *.domain entry must resolve to public addresses; list the host or the address in ops.agent.http.allowedHosts to reach it`,
        );
      }
    }
    return {
      url,
      host,
      port,
      addresses: addresses.map(a => ({
        address: a.address,
        family: isIP(a.address),
      })),
    };
  }

  /** One request and its response, connected to the checked addresses only. */
  private exchange(
    target: CheckedTarget,
    request: { method: string; headers: Record<string, string>; body?: string },
    maxBodyBytes: number,
    signal: AbortSignal,
  ): Promise<Omit<OutboundResponse, 'url' | 'redirects'>> {
    const { url, host, port, addresses } = target;
    const lookup = (
      hostname: string,
      opts: LookupOptions,
      callback: (
        err: NodeJS.ErrnoException | null,
        address: string | LookupAddress[],
        family?: number,
      ) => void,
    ) => {
      let wanted = 0;
      if (opts.family === 4 || opts.family === 'IPv4') wanted = 4;
      if (opts.family === 6 || opts.family === 'IPv6') wanted = 6;
      const candidates = addresses.filter(
        a => hostname === host && (!wanted || a.family === wanted),
      );
      if (candidates.length === 0) {
        const err: NodeJS.ErrnoException = new Error(
          `No checked address for ${hostname}`,
        );
        err.code = 'ENOTFOUND';
        callback(err, '', undefined);
      } else if (opts.all) {
        callback(null, candidates);
      } else {
        callback(null, candidates[0].address, candidates[0].family);
      }
    };

    const headers = { ...request.headers };
    if (request.body !== undefined) {
      headers['Content-Length'] = String(Buffer.byteLength(request.body));
    }
    const transport = url.protocol === 'https:' ? https : http;
    const label = `${request.method} ${url.href}`;

    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void) => {
        if (!settled) {
          settled = true;
          signal.removeEventListener('abort', onAbort);
          fn();
        }
      };
      const fail = (error: Error) =>
        settle(() =>
          reject(
            signal.aborted
              ? signal.reason
              : new Error(`${label} failed: ${error.message}`),
          ),
        );

      const req = transport.request({
        protocol: url.protocol,
        hostname: host,
        port,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers,
        lookup,
        // A fresh connection per request, closed after it: a pool keyed by
        // host name would hide which checked address a request went to, and
        // the agent's calls are few.
        agent: false,
      });
      function onAbort() {
        req.destroy();
        fail(new Error('aborted'));
      }
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();

      req.on('error', fail);
      req.on('response', res => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        const finish = () =>
          settle(() =>
            resolve({
              status: res.statusCode ?? 0,
              headers: flattenHeaders(res.headers),
              body: Buffer.concat(chunks),
              truncated,
            }),
          );
        res.on('data', (chunk: Buffer) => {
          if (truncated) return;
          const room = maxBodyBytes - size;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            size = maxBodyBytes;
            truncated = true;
            finish();
            res.destroy();
          } else {
            chunks.push(chunk);
            size += chunk.length;
          }
        });
        res.on('end', finish);
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) fail(new Error('the response was cut off'));
        });
      });
      req.end(request.body);
    });
  }
}
