/** A closed-loop HTTP load: `concurrency` clients, each sending its next request when the last answered. */
export interface LoadResult {
  requests: number;
  seconds: number;
  latenciesMs: number[];
  failures: number;
}

export async function runLoad(options: {
  url: string;
  headers: Record<string, string>;
  bodies: string[];
  requests: number;
  concurrency: number;
}): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let next = 0;
  let failures = 0;
  const started = process.hrtime.bigint();
  const client = async () => {
    for (;;) {
      const i = next++;
      if (i >= options.requests) return;
      const t0 = process.hrtime.bigint();
      const res = await fetch(options.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...options.headers },
        body: options.bodies[i % options.bodies.length],
      });
      await res.arrayBuffer();
      latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (res.status !== 200) failures++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
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
