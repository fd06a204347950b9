import http from 'node:http';

// A stand-in for the ops backend's generic ingestion endpoint, on loopback.

export interface ReceivedBatch {
  method: string;
  path: string;
  authorization?: string;
  contentType?: string;
  body: any;
}

export interface FakeOpsBackend {
  url: string;
  batches: ReceivedBatch[];
  /** The status the next requests are answered with (default 202). */
  answerWith(status: number): void;
  stop(): Promise<void>;
}

export async function startFakeOpsBackend(): Promise<FakeOpsBackend> {
  const batches: ReceivedBatch[] = [];
  let status = 202;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = { unparseable: Buffer.concat(chunks).toString('utf8') };
    }
    batches.push({
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body,
    });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      status < 300
        ? JSON.stringify({ accepted: 1, rejected: [], unrouted: 0 })
        : JSON.stringify({ error: { name: 'Error', message: 'boom' } }),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    batches,
    answerWith: s => {
      status = s;
    },
    stop: async () => {
      const closed = new Promise<void>(resolve =>
        server.close(() => resolve()),
      );
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Polls until probe returns a value other than undefined. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}
