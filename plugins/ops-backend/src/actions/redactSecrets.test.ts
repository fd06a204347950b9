import { redactError, redactSecrets } from './redactSecrets';

describe('redactSecrets', () => {
  const secrets = { TOKEN: 'tok-123', PASSWORD: 'hunter2' };

  it('replaces every occurrence of every secret at any depth, in keys too', () => {
    const value = {
      url: 'https://api.example.com/?key=tok-123&again=tok-123',
      nested: [{ note: 'hunter2 and tok-123' }, 'plain', 42, true, null],
      'tok-123': 'a secret as a key',
    };
    expect(redactSecrets(value, secrets)).toEqual({
      url: 'https://api.example.com/?key=***&again=***',
      nested: [{ note: '*** and ***' }, 'plain', 42, true, null],
      '***': 'a secret as a key',
    });
    // The input is left as it was.
    expect(value.url).toContain('tok-123');
  });

  it('hides the values of credential headers and fields whatever they hold', () => {
    expect(
      redactSecrets(
        {
          headers: {
            Authorization: 'Bearer not-a-configured-secret',
            cookie: 'session=1',
            'Set-Cookie': 'a=b',
            'X-API-Key': 'k',
            'X-Auth-Token': 't',
            'Content-Type': 'application/json',
            'Idempotency-Key': 'run-1:step-1',
          },
          access_token: 'abc',
          refreshToken: { value: 'abc' },
          dbPassword: 'pw',
          clientSecret: 'cs',
          maxTokens: 1000,
          token: undefined,
        },
        {},
      ),
    ).toEqual({
      headers: {
        Authorization: '***',
        cookie: '***',
        'Set-Cookie': '***',
        'X-API-Key': '***',
        'X-Auth-Token': '***',
        'Content-Type': 'application/json',
        'Idempotency-Key': 'run-1:step-1',
      },
      access_token: '***',
      refreshToken: '***',
      dbPassword: '***',
      clientSecret: '***',
      maxTokens: 1000,
      token: undefined,
    });
  });

  it('replaces a secret that contains another one whole', () => {
    expect(
      redactSecrets('abc and abcdef', { SHORT: 'abc', LONG: 'abcdef' }),
    ).toBe('*** and ***');
  });

  it('takes a list of secret values and ignores empty ones', () => {
    expect(redactSecrets('one two', ['two', ''])).toBe('one ***');
  });

  it('survives cycles and keeps values that are not plain data', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    const value: Record<string, unknown> = { at, text: 'tok-123' };
    value.self = value;
    const redacted = redactSecrets(value, secrets) as Record<string, unknown>;
    expect(redacted.text).toBe('***');
    expect(redacted.at).toBe(at);
    expect(redacted.self).toBe(redacted);
  });
});

describe('redactError', () => {
  it('redacts message, stack and causes in place, keeping the class', () => {
    class CustomError extends Error {}
    const cause = new Error('cause with hunter2');
    const error = new CustomError('failed with tok-123', { cause });
    const redacted = redactError(error, { A: 'tok-123', B: 'hunter2' });
    expect(redacted).toBe(error);
    expect(redacted).toBeInstanceOf(CustomError);
    expect(redacted.message).toBe('failed with ***');
    expect(redacted.stack).not.toContain('tok-123');
    expect(cause.message).toBe('cause with ***');
  });

  it('turns whatever else is thrown into an Error', () => {
    const redacted = redactError('tok-123 went wrong', ['tok-123']);
    expect(redacted).toBeInstanceOf(Error);
    expect(redacted.message).toBe('*** went wrong');
  });
});
