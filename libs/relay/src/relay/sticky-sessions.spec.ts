import type { AppConfig } from '@gateway/config';
import { conversationOf, sessionIdOf, StickySessions } from './sticky-sessions';

describe('conversationOf (a conversation without x-session-id)', () => {
  const system = { role: 'system', content: 'be brief' };
  const first = { role: 'user', content: 'plan a trip to Lisbon' };

  it('stays the same turn after turn while the conversation grows', () => {
    const turn1 = conversationOf({ model: 'm', messages: [system, first] });
    const turn3 = conversationOf({
      model: 'other',
      messages: [
        system,
        first,
        { role: 'assistant', content: 'sure' },
        { role: 'user', content: 'and Porto?' },
      ],
    });
    expect(turn1).not.toBeNull();
    expect(turn3).toBe(turn1);
  });

  it('tells conversations apart by their first message or their system prompt', () => {
    const base = conversationOf({ messages: [system, first] });
    expect(conversationOf({ messages: [system, { role: 'user', content: 'another' }] })).not.toBe(base);
    expect(conversationOf({ messages: [{ role: 'system', content: 'be long' }, first] })).not.toBe(base);
    expect(conversationOf({ system: 'x', messages: [first] })).not.toBe(
      conversationOf({ messages: [first] }),
    );
  });

  it('reads Gemini contents and Responses input, and has nothing to say of bodies without a conversation', () => {
    expect(conversationOf({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] })).toMatch(/^conv:/);
    expect(conversationOf({ input: [{ role: 'user', content: 'hi' }] })).toMatch(/^conv:/);
    expect(conversationOf({ input: 'a bare prompt' })).toBeNull();
    expect(conversationOf({ messages: [] })).toBeNull();
    expect(conversationOf(null)).toBeNull();
    expect(conversationOf('text')).toBeNull();
  });
});

describe('sessionIdOf', () => {
  it('takes a trimmed header, and refuses an empty or oversized one', () => {
    expect(sessionIdOf(' s1 ')).toBe('s1');
    expect(sessionIdOf('')).toBeNull();
    expect(sessionIdOf('x'.repeat(300))).toBeNull();
    expect(sessionIdOf(['a', 'b'])).toBe('a');
  });
});

describe('StickySessions', () => {
  const config = { REDIS_PREFIX: 'gw' } as AppConfig;

  it("keys a session per token under the prefix, without the client's text in the key", () => {
    const sticky = new StickySessions(config);
    const key = sticky.keyOf('token', 'my session');
    expect(key).toMatch(/^gw:sticky:token:[\w-]{32}$/);
    expect(sticky.keyOf('other', 'my session')).not.toBe(key);
    expect(sticky.entry('token', 'my session', 'key-1')).toEqual({
      redisKey: key,
      keyId: 'key-1',
      ttlSeconds: 3600,
    });
    expect(sticky.entry('token', 'my session', 'key-1', true).ttlSeconds).toBe(1800);
  });
});
