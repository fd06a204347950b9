import {
  EMPTY_RESOLUTION_FORM,
  defaultMode,
  fieldsToJson,
  inputFormOf,
  inputToFields,
  newActionEntry,
  parseJsonInput,
  toResolutionInput,
} from './resolutionForm';

const schema = {
  type: 'object',
  properties: {
    url: { type: 'string', description: 'Where to send it' },
    method: { type: 'string', enum: ['GET', 'POST'] },
    retries: { type: 'integer' },
    verbose: { type: 'boolean' },
    headers: { type: 'object' },
    mode: { enum: [1, 2] },
  },
  required: ['url'],
};

describe('inputFormOf', () => {
  it('makes plain fields of the simple top-level properties and leaves the rest to JSON', () => {
    const form = inputFormOf(schema);
    expect(form.fields).toEqual([
      {
        name: 'url',
        type: 'string',
        description: 'Where to send it',
        required: true,
        options: undefined,
      },
      {
        name: 'method',
        type: 'string',
        description: undefined,
        required: false,
        options: ['GET', 'POST'],
      },
      {
        name: 'retries',
        type: 'integer',
        description: undefined,
        required: false,
        options: undefined,
      },
      {
        name: 'verbose',
        type: 'boolean',
        description: undefined,
        required: false,
        options: undefined,
      },
    ]);
    expect(form.complex).toEqual(['headers', 'mode']);
    expect(defaultMode(form)).toBe('json');
    expect(
      defaultMode(inputFormOf({ properties: { url: { type: 'string' } } })),
    ).toBe('fields');
  });

  it('has nothing for a missing or odd schema', () => {
    expect(inputFormOf(undefined)).toEqual({ fields: [], complex: [] });
    expect(inputFormOf({ type: 'string' })).toEqual({
      fields: [],
      complex: [],
    });
    expect(defaultMode(inputFormOf(undefined))).toBe('json');
  });
});

describe('JSON and fields', () => {
  it('parses an input object, and says what else it got', () => {
    expect(parseJsonInput(' ')).toEqual({ input: {} });
    expect(parseJsonInput('{"a": 1}')).toEqual({ input: { a: 1 } });
    expect(parseJsonInput('{"a": ').error).toMatch(/^input is not valid JSON/);
    expect(parseJsonInput('null').error).toMatch(/must be a JSON object/);
    expect(parseJsonInput('"x"').error).toMatch(/must be a JSON object/);
  });

  it('carries values between the two forms of an input', () => {
    const form = inputFormOf(schema);
    const entry = {
      ...newActionEntry('action'),
      actionId: 'http:request',
      fields: { url: 'http://x', retries: '3', verbose: 'false', method: '' },
    };
    expect(JSON.parse(fieldsToJson(entry, form))).toEqual({
      url: 'http://x',
      retries: 3,
      verbose: false,
    });
    expect(
      inputToFields(
        { url: 'http://y', retries: 2, headers: { a: 'b' }, other: 1 },
        form,
      ),
    ).toEqual({ url: 'http://y', retries: '2' });
  });
});

describe('toResolutionInput', () => {
  const actions = [
    {
      id: 'http:request',
      description: 'Calls an endpoint',
      readOnly: false,
      inputSchema: schema,
    },
  ];

  it('says every problem at once: no cause, no action', () => {
    const { resolution, errors } = toResolutionInput(
      EMPTY_RESOLUTION_FORM,
      actions,
    );
    expect(resolution).toBeUndefined();
    expect(errors).toEqual({
      cause: 'pick a cause',
      actions:
        'name at least one action taken, or say the incident was not actionable',
      action: {},
    });
  });

  it('points at the step that is wrong', () => {
    const { errors } = toResolutionInput(
      {
        ...EMPTY_RESOLUTION_FORM,
        cause: 'capacity',
        actions: [
          { ...newActionEntry('text'), text: 'Restarted' },
          { ...newActionEntry('text'), text: '  ' },
          newActionEntry('action'),
          {
            ...newActionEntry('action'),
            actionId: 'http:request',
            mode: 'json',
            json: '{"url": 1',
          },
          {
            ...newActionEntry('action'),
            actionId: 'http:request',
            mode: 'fields',
            fields: { url: 'http://x', retries: 'many' },
          },
        ],
      },
      actions,
    );
    expect(errors?.action).toEqual({
      1: 'say what you did, or remove this step',
      2: 'pick an action, or remove this step',
      3: expect.stringMatching(/^input is not valid JSON/),
      4: 'retries must be a whole number',
    });
    expect(errors?.cause).toBeUndefined();
  });

  it('gives a resolution the schema accepts, with trimmed text', () => {
    expect(
      toResolutionInput(
        {
          cause: 'dependency',
          notes: '  the provider  ',
          notActionable: false,
          actions: [
            {
              ...newActionEntry('action'),
              actionId: 'http:request',
              mode: 'fields',
              fields: { url: ' http://x ', verbose: 'true' },
            },
            { ...newActionEntry('text'), text: ' Told the provider ' },
          ],
        },
        actions,
      ),
    ).toEqual({
      resolution: {
        cause: 'dependency',
        notes: 'the provider',
        notActionable: false,
        actions: [
          { action: 'http:request', input: { url: 'http://x', verbose: true } },
          { text: 'Told the provider' },
        ],
      },
    });
  });

  it('accepts no action when there was nothing to do', () => {
    expect(
      toResolutionInput(
        { ...EMPTY_RESOLUTION_FORM, cause: 'unknown', notActionable: true },
        actions,
      ),
    ).toEqual({
      resolution: { cause: 'unknown', actions: [], notActionable: true },
    });
  });

  it('refuses more than twenty actions, as the schema does', () => {
    const many = Array.from({ length: 21 }, () => ({
      ...newActionEntry('text'),
      text: 'again',
    }));
    const { errors } = toResolutionInput(
      { ...EMPTY_RESOLUTION_FORM, cause: 'data', actions: many },
      actions,
    );
    expect(errors?.actions).toMatch(/20/);
  });
});
