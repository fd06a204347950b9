import { createOpsAction } from '@operable/backstage-plugin-ops-node';
import { z } from 'zod';
import { AgentHttpConfig } from './config';
import {
  GuardedHttpClient,
  HostResolver,
  OutboundResponse,
} from './GuardedHttpClient';

/** Most bytes of a response body `http:request` returns. */
export const MAX_REQUEST_BODY_BYTES = 64 * 1024;
/** Most bytes of a response body `http:check` returns. */
export const MAX_CHECK_BODY_BYTES = 4 * 1024;

const METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
] as const;

// Headers the client sets itself: overriding Host would reach another
// virtual host behind a checked address, and the Idempotency-Key is what
// lets a target ignore a repeated step.
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'idempotency-key',
]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const urlSchema = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `"${value}" is not an absolute URL`,
      });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `only http and https URLs may be called, not ${url.protocol}`,
      });
    }
    if (url.username || url.password) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message:
          'the URL carries credentials; send them in an Authorization header instead',
      });
    }
  })
  .describe('An absolute http or https URL on an allowlisted host');

const headersSchema = z
  .record(
    z
      .string()
      .refine(
        v => !/[\r\n\0]/.test(v),
        'a header value cannot hold line breaks',
      ),
  )
  .superRefine((headers, ctx) => {
    for (const name of Object.keys(headers)) {
      if (!HEADER_NAME.test(name)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [name],
          message: `"${name}" is not a valid header name`,
        });
      } else if (RESERVED_HEADERS.has(name.toLowerCase())) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [name],
          message: `${name} is set by the agent and cannot be given`,
        });
      }
    }
  })
  .describe('Request headers; Idempotency-Key is added to every request');

const statusList = z
  .array(z.number().int().min(100).max(599))
  .min(1)
  .describe('Statuses that count as success; default any 2xx');

const jsonBody: z.ZodType<unknown> = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.unknown()),
  z.record(z.unknown()),
]);

const requestInput = z
  .object({
    method: z
      .preprocess(
        v => (typeof v === 'string' ? v.toUpperCase() : v),
        z.enum(METHODS),
      )
      .describe('The HTTP method'),
    url: urlSchema,
    headers: headersSchema.optional(),
    body: jsonBody
      .optional()
      .describe('A string is sent as it is; anything else as JSON'),
    expectStatus: statusList.optional(),
  })
  .strict();

const responseOutput = z.object({
  status: z.number(),
  headers: z.record(z.string()),
  body: z
    .unknown()
    .describe('Parsed when the response is JSON, otherwise the text'),
  truncated: z
    .boolean()
    .optional()
    .describe(
      `Set when the body was longer than ${MAX_REQUEST_BODY_BYTES} bytes and was cut`,
    ),
  redirects: z.array(z.string()).optional(),
});

const dryRunOutput = z.object({
  dryRun: z.literal(true),
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers: z.record(z.string()),
    body: z.string().optional(),
  }),
});

const checkInput = z
  .object({
    url: urlSchema,
    method: z
      .preprocess(
        v => (typeof v === 'string' ? v.toUpperCase() : v),
        z.enum(['GET', 'HEAD']),
      )
      .default('GET'),
    headers: headersSchema.optional(),
    expectStatus: statusList.optional(),
  })
  .strict();

const checkOutput = z.object({
  status: z.number(),
  ok: z.boolean().describe('Whether the status is one of expectStatus'),
  durationMs: z.number(),
  body: z.unknown().optional(),
});

function isExpected(status: number, expected?: number[]): boolean {
  return expected ? expected.includes(status) : status >= 200 && status < 300;
}

function redirectsKept(expected?: number[]): number[] | undefined {
  return expected?.filter(s => s >= 300 && s < 400);
}

/** The body as a step records it: JSON parsed when it is JSON, else text. */
function readBody(response: OutboundResponse): unknown {
  const text = response.body.toString('utf8');
  const type = response.headers['content-type'] ?? '';
  const looksJson = /[/+]json\b/i.test(type) || /^\s*[[{]/.test(text);
  if (looksJson && !response.truncated) {
    try {
      return JSON.parse(text);
    } catch {
      // Not JSON after all: the text is what there is.
    }
  }
  return text;
}

function serialiseBody(body: unknown): {
  body?: string;
  contentType?: string;
} {
  if (body === undefined) return {};
  if (typeof body === 'string')
    return { body, contentType: 'text/plain; charset=utf-8' };
  return { body: JSON.stringify(body), contentType: 'application/json' };
}

function describeExpected(expected?: number[]): string {
  return expected ? expected.join(', ') : '2xx';
}

/** Options of the HTTP actions. */
export interface HttpActionsOptions {
  config: AgentHttpConfig;
  /** How host names are resolved; the system resolver by default. */
  resolveHost?: HostResolver;
}

/** `http:request` and `http:check`, sharing one guarded client. */
export function createHttpActions(options: HttpActionsOptions) {
  const client = new GuardedHttpClient(options.config, {
    resolveHost: options.resolveHost,
  });

  const request = createOpsAction({
    id: 'http:request',
    description:
      'Sends an HTTP request to an allowlisted host, with an Idempotency-Key header, and fails unless the status is expected (default 2xx). A dry run checks the host and reports the request without sending it.',
    schema: {
      input: requestInput,
      output: z.union([responseOutput, dryRunOutput]),
    },
    async handler(ctx) {
      const { method, url, headers, body, expectStatus } = ctx.input;
      const prepared = client.prepare(
        { method, url, headers, ...serialiseBody(body) },
        ctx.idempotencyKey,
      );
      if (ctx.dryRun) {
        await client.check(prepared.url, ctx.signal);
        ctx.logger.info(`Dry run: would send ${method} ${prepared.url}`);
        return { dryRun: true as const, request: prepared };
      }
      const response = await client.send(prepared, {
        signal: ctx.signal,
        maxBodyBytes: MAX_REQUEST_BODY_BYTES,
        keepStatuses: redirectsKept(expectStatus),
      });
      const parsed = readBody(response);
      if (!isExpected(response.status, expectStatus)) {
        const text = response.body.toString('utf8').slice(0, 300);
        throw new Error(
          `${method} ${response.url} answered ${
            response.status
          }, expected ${describeExpected(expectStatus)}${
            text ? `: ${text}` : ''
          }`,
        );
      }
      return {
        status: response.status,
        headers: response.headers,
        body: parsed,
        ...(response.truncated ? { truncated: true } : {}),
        ...(response.redirects.length ? { redirects: response.redirects } : {}),
      };
    },
  });

  const check = createOpsAction({
    id: 'http:check',
    description:
      'Calls a URL on an allowlisted host (GET or HEAD) and reports its status, whether it is expected (default 2xx) and how long it took. A bad status is a finding, not a failure; refusals and network errors fail.',
    readOnly: true,
    schema: { input: checkInput, output: checkOutput },
    async handler(ctx) {
      const { url, method, headers, expectStatus } = ctx.input;
      const prepared = client.prepare(
        { method, url, headers },
        ctx.idempotencyKey,
      );
      const started = performance.now();
      const response = await client.send(prepared, {
        signal: ctx.signal,
        maxBodyBytes: MAX_CHECK_BODY_BYTES,
        keepStatuses: redirectsKept(expectStatus),
      });
      const durationMs = Math.round(performance.now() - started);
      const body = method === 'HEAD' ? undefined : readBody(response);
      return {
        status: response.status,
        ok: isExpected(response.status, expectStatus),
        durationMs,
        ...(body !== undefined && body !== '' ? { body } : {}),
      };
    },
  });

  return [request, check];
}
