import { InputError, NotFoundError } from '@backstage/errors';
import { createOpsAction } from '@operable/backstage-plugin-ops-node';
import { mockOpsActionContext } from '@operable/backstage-plugin-ops-node/testUtils';
import { z } from 'zod';
import { ActionExecutionContext, ActionRegistry } from './ActionRegistry';
import { ActionAbortedError, ActionTimeoutError } from './errors';

function context(
  overrides: Partial<ActionExecutionContext> = {},
): ActionExecutionContext {
  const { input: _input, ...rest } = mockOpsActionContext(overrides);
  return rest;
}

const echo = createOpsAction({
  id: 'test:echo',
  description: 'Returns what it is given',
  readOnly: true,
  schema: {
    input: z.object({
      message: z.string(),
      count: z.number().int().min(1).default(1),
      nested: z.object({ flag: z.boolean() }).optional(),
    }),
    output: z.object({ said: z.string() }),
  },
  async handler(ctx) {
    return { said: ctx.input.message.repeat(ctx.input.count) };
  },
});

/** Waits until its signal aborts, and records that it saw the abort. */
function createHangingAction(seen: { aborted?: unknown }) {
  return createOpsAction({
    id: 'test:hang',
    description: 'Never finishes by itself',
    schema: { input: z.object({}) },
    handler(ctx) {
      return new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => {
          seen.aborted = ctx.signal.reason;
          reject(new Error('handler saw the abort'));
        });
      });
    },
  });
}

describe('ActionRegistry', () => {
  it('validates the input, fills defaults and validates the output', async () => {
    const registry = new ActionRegistry();
    registry.add(echo);
    await expect(
      registry.execute('test:echo', { message: 'hi', count: 2 }, context()),
    ).resolves.toEqual({ said: 'hihi' });
    await expect(
      registry.execute('test:echo', { message: 'hi' }, context()),
    ).resolves.toEqual({ said: 'hi' });
  });

  it('refuses bad input with an InputError naming the fields', async () => {
    const registry = new ActionRegistry();
    registry.add(echo);
    const error: any = await registry
      .execute(
        'test:echo',
        { message: 42, count: 0, nested: { flag: 'yes' } },
        context(),
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/^Invalid input for action test:echo: /);
    expect(error.message).toContain(
      'message: Expected string, received number',
    );
    expect(error.message).toContain(
      'count: Number must be greater than or equal to 1',
    );
    expect(error.message).toContain('nested.flag: Expected boolean');

    await expect(
      registry.execute('test:echo', undefined, context()),
    ).rejects.toThrow('message: Required');
  });

  it('fails when an action returns what its output schema does not allow', async () => {
    const registry = new ActionRegistry();
    registry.add(
      createOpsAction({
        id: 'test:liar',
        description: 'Returns the wrong shape',
        schema: { input: z.object({}), output: z.object({ ok: z.boolean() }) },
        async handler() {
          return { ok: 'sure' } as any;
        },
      }),
    );
    await expect(registry.execute('test:liar', {}, context())).rejects.toThrow(
      'Action test:liar returned an output that does not match its output schema: ok: Expected boolean, received string',
    );
  });

  it('refuses duplicate and malformed ids, and schemas that are not zod', () => {
    const registry = new ActionRegistry();
    registry.add(echo);
    expect(() => registry.add(echo)).toThrow(
      'An action with the id test:echo is already registered',
    );
    expect(() => registry.add({ ...echo, id: 'NoNamespace' })).toThrow(
      'Invalid action id "NoNamespace"',
    );
    expect(() =>
      registry.add({
        ...echo,
        id: 'test:json-schema',
        schema: { input: { type: 'object' } as any },
      }),
    ).toThrow('Action test:json-schema needs a zod schema as schema.input');
  });

  it('says which actions exist when asked for an unknown one', async () => {
    const registry = new ActionRegistry();
    registry.add(echo);
    expect(registry.get('test:echo')).toBe(echo);
    expect(registry.get('test:nope')).toBeUndefined();
    const error: any = await registry
      .execute('test:nope', {}, context())
      .catch(e => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe(
      'No action test:nope; the registered actions are test:echo',
    );
  });

  it('describes its actions with JSON schemas', () => {
    const registry = new ActionRegistry();
    registry.add(createHangingAction({}), echo);
    const [described, hang] = registry.list();
    expect(hang.id).toBe('test:hang');
    expect(hang.readOnly).toBe(false);
    expect(hang.outputSchema).toBeUndefined();
    expect(described).toEqual({
      id: 'test:echo',
      description: 'Returns what it is given',
      readOnly: true,
      inputSchema: {
        type: 'object',
        properties: {
          message: { type: 'string' },
          count: { type: 'integer', minimum: 1, default: 1 },
          nested: {
            type: 'object',
            properties: { flag: { type: 'boolean' } },
            required: ['flag'],
            additionalProperties: false,
          },
        },
        required: ['message'],
        additionalProperties: false,
      },
      outputSchema: {
        type: 'object',
        properties: { said: { type: 'string' } },
        required: ['said'],
        additionalProperties: false,
      },
    });
  });

  it('gives up after the timeout and aborts the handler', async () => {
    const seen: { aborted?: unknown } = {};
    const registry = new ActionRegistry();
    registry.add(createHangingAction(seen));
    const error: any = await registry
      .execute('test:hang', {}, context(), { timeoutMs: 20 })
      .catch(e => e);
    expect(error).toBeInstanceOf(ActionTimeoutError);
    expect(error.message).toBe('Action test:hang timed out after 20 ms');
    expect(seen.aborted).toBe(error);
  });

  it('stops when the context signal aborts, even if the handler ignores it', async () => {
    const registry = new ActionRegistry();
    let started!: () => void;
    const running = new Promise<void>(resolve => {
      started = resolve;
    });
    registry.add(
      createOpsAction({
        id: 'test:stubborn',
        description: 'Ignores its signal',
        schema: { input: z.object({}) },
        handler() {
          started();
          return new Promise(() => {});
        },
      }),
    );
    const controller = new AbortController();
    const execution = registry.execute(
      'test:stubborn',
      {},
      context({ signal: controller.signal }),
    );
    await running;
    controller.abort(new Error('the run was cancelled'));
    const error: any = await execution.catch(e => e);
    expect(error).toBeInstanceOf(ActionAbortedError);
    expect(error.message).toBe(
      'Action test:stubborn was aborted: the run was cancelled',
    );
  });

  it('does not start a handler when the signal has already aborted', async () => {
    const registry = new ActionRegistry();
    let called = false;
    registry.add(
      createOpsAction({
        id: 'test:never',
        description: 'Must not run',
        schema: { input: z.object({}) },
        async handler() {
          called = true;
        },
      }),
    );
    const controller = new AbortController();
    controller.abort();
    await expect(
      registry.execute(
        'test:never',
        {},
        context({ signal: controller.signal }),
      ),
    ).rejects.toThrow(ActionAbortedError);
    await new Promise(resolve => setImmediate(resolve));
    expect(called).toBe(false);
  });

  it('redacts secrets from outputs and errors', async () => {
    const registry = new ActionRegistry();
    registry.add(
      createOpsAction({
        id: 'test:leaky',
        description: 'Returns and throws what it should not',
        schema: { input: z.object({ fail: z.boolean() }) },
        async handler(ctx) {
          if (ctx.input.fail) {
            throw new InputError(`token s3cr3t-value was refused`);
          }
          return {
            echoed: `Bearer s3cr3t-value`,
            headers: { Authorization: 'Basic abc', 'x-request-id': 'r1' },
            list: ['s3cr3t-value', 'other-hunter2'],
          };
        },
      }),
    );
    const secrets = { ADMIN_TOKEN: 's3cr3t-value', PASSWORD: 'hunter2' };
    await expect(
      registry.execute('test:leaky', { fail: false }, context({ secrets })),
    ).resolves.toEqual({
      echoed: 'Bearer ***',
      headers: { Authorization: '***', 'x-request-id': 'r1' },
      list: ['***', 'other-***'],
    });
    const error: any = await registry
      .execute('test:leaky', { fail: true }, context({ secrets }))
      .catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe('token *** was refused');
    expect(error.stack).not.toContain('s3cr3t-value');
  });

  it('redacts secrets from its own validation errors', async () => {
    const registry = new ActionRegistry();
    registry.add(
      createOpsAction({
        id: 'test:strict',
        description: 'Takes a mode',
        schema: { input: z.object({ mode: z.enum(['a', 'b']) }) },
        async handler() {},
      }),
    );
    const error: any = await registry
      .execute(
        'test:strict',
        { mode: 'p4ssw0rd' },
        context({ secrets: { X: 'p4ssw0rd' } }),
      )
      .catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain("received '***'");
    expect(error.message).not.toContain('p4ssw0rd');
  });
});
