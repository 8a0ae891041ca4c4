import { BehaviourError, DEFAULT_BEHAVIOUR, parseBehaviour } from './behaviour';

function optionOfError(apiKey: string | undefined, header?: string): string {
  try {
    parseBehaviour(apiKey, header);
  } catch (error) {
    if (error instanceof BehaviourError) return error.option;
    throw error;
  }
  throw new Error('expected a BehaviourError');
}

describe('parseBehaviour', () => {
  it('gives the defaults for a plain key or no key', () => {
    expect(parseBehaviour('sk-real-looking-key')).toEqual(DEFAULT_BEHAVIOUR);
    expect(parseBehaviour(undefined)).toEqual(DEFAULT_BEHAVIOUR);
  });

  it('ignores the key prefix, even one that looks like an option', () => {
    expect(parseBehaviour('status=500;tokens=3')).toEqual({ ...DEFAULT_BEHAVIOUR, tokens: 3 });
  });

  it('reads every option from the key', () => {
    expect(
      parseBehaviour(
        'sk-mock;latency=5;ttft=6;chunks=7;chunkDelay=8;tokens=9;status=429;retryAfter=3;hang=1;drop=2;usage=0;tool=1;toolCalls=2;cumulativeArgs=1;slipArgs=1;toolCut=1;null=true;fail=4' +
          ';streamError=5;reasoning=6;cacheRead=7;cacheWrite=8;promptExtra=9;safety=1;blocked=true;malformed=1',
      ),
    ).toEqual({
      latency: 5,
      ttft: 6,
      chunks: 7,
      chunkDelay: 8,
      tokens: 9,
      status: 429,
      retryAfter: 3,
      hang: true,
      drop: 2,
      usage: false,
      tool: true,
      toolCalls: 2,
      cumulativeArgs: true,
      slipArgs: true,
      toolCut: true,
      null: true,
      fail: 4,
      streamError: 5,
      reasoning: 6,
      cacheRead: 7,
      cacheWrite: 8,
      promptExtra: 9,
      safety: true,
      blocked: true,
      malformed: true,
    });
  });

  it('lets the x-mock header override the key, option by option', () => {
    const behaviour = parseBehaviour('mock;status=500;tokens=4', 'status=200; latency = 20 ;');
    expect(behaviour).toEqual({ ...DEFAULT_BEHAVIOUR, status: 200, tokens: 4, latency: 20 });
  });

  it('tolerates empty segments', () => {
    expect(parseBehaviour('sk;;tokens=2;')).toEqual({ ...DEFAULT_BEHAVIOUR, tokens: 2 });
  });

  it('implies status=500 for fail without a failure, and keeps an explicit one', () => {
    expect(parseBehaviour('sk;fail=2').status).toBe(500);
    expect(parseBehaviour('sk;fail=2;status=429').status).toBe(429);
    expect(parseBehaviour('sk;fail=2;drop=1').status).toBe(200);
    expect(parseBehaviour('sk;fail=2;streamError=1').status).toBe(200);
  });

  it('names an unknown option, from the key or the header', () => {
    expect(optionOfError('sk;lateny=5')).toBe('lateny');
    expect(optionOfError('sk', 'chunk=3')).toBe('chunk');
    expect(() => parseBehaviour('sk;lateny=5')).toThrow(
      /Unknown mock option "lateny" in the API key; known options: latency/,
    );
  });

  it.each([
    ['latency=-1', 'latency'],
    ['latency=abc', 'latency'],
    ['latency=1e3', 'latency'],
    ['latency=', 'latency'],
    ['latency=600001', 'latency'],
    ['chunks=0', 'chunks'],
    ['tokens=100001', 'tokens'],
    ['status=302', 'status'],
    ['status=600', 'status'],
    ['hang=yes', 'hang'],
    ['usage=2', 'usage'],
    ['hang', 'hang'],
  ])('rejects %s naming %s', (option, name) => {
    expect(optionOfError(`sk;${option}`)).toBe(name);
  });

  it('says what value it expected', () => {
    expect(() => parseBehaviour('sk', 'status=302')).toThrow(
      'Invalid value "302" for mock option "status" in the x-mock header: expected 200 or an HTTP status from 400 to 599',
    );
  });
});
