import { Agent, request } from 'node:http';

/** A closed-loop HTTP load: `concurrency` clients, each sending its next request when the last answered. */
export interface LoadResult {
  requests: number;
  seconds: number;
  latenciesMs: number[];
  failures: number;
}

/**
 * Posts one body and resolves with the status once the whole answer is read.
 * node:http over kept-alive sockets, not fetch: on a 2-core machine whose
 * other core serves the requests, fetch spends about three times the CPU per
 * request and the load generator would measure itself.
 */
function post(
  url: URL,
  agent: Agent,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: body === undefined ? 'GET' : 'POST',
        agent,
        headers: {
          ...(body === undefined
            ? {}
            : {
                'Content-Type': 'application/json',
                'Content-Length': Buffer.byteLength(body),
              }),
          ...headers,
        },
      },
      res => {
        res.on('data', () => {});
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function runLoad(options: {
  url: string;
  headers: Record<string, string>;
  /** Posted in turn; without bodies, each request is a GET. */
  bodies?: string[];
  requests: number;
  concurrency: number;
}): Promise<LoadResult> {
  const url = new URL(options.url);
  const agent = new Agent({
    keepAlive: true,
    maxSockets: options.concurrency,
  });
  const latenciesMs: number[] = [];
  let next = 0;
  let failures = 0;
  const started = process.hrtime.bigint();
  const client = async () => {
    for (;;) {
      const i = next++;
      if (i >= options.requests) return;
      const t0 = process.hrtime.bigint();
      const status = await post(
        url,
        agent,
        options.headers,
        options.bodies?.[i % options.bodies.length],
      ).catch(() => 0);
      latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (status !== 200) failures++;
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, client));
  } finally {
    agent.destroy();
  }
  return {
    requests: options.requests,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    latenciesMs,
    failures,
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}
