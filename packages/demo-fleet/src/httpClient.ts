import http from 'node:http';
import https from 'node:https';

// A small HTTP client on node:http, so that every socket the fleet opens
// belongs to an agent the fleet destroys when it stops.

export interface HttpResponse {
  status: number;
  body: string;
}

export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  agents?: { http: http.Agent; https: https.Agent };
}

/** The most of a response body the client reads. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export function httpRequest(
  url: string,
  options: HttpRequestOptions = {},
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const isHttps = target.protocol === 'https:';
    if (!isHttps && target.protocol !== 'http:') {
      reject(new Error(`unsupported protocol ${target.protocol}`));
      return;
    }
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) {
      headers['content-length'] = String(Buffer.byteLength(options.body));
    }
    const requestOptions: http.RequestOptions = {
      method: options.method ?? 'GET',
      headers,
      agent: isHttps ? options.agents?.https : options.agents?.http,
      timeout: options.timeoutMs ?? 5000,
    };
    const req = (isHttps ? https : http).request(
      target,
      requestOptions,
      res => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`timed out after ${requestOptions.timeout}ms`)),
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
