import type { AppConfig } from '@gateway/config';
import { conversationOf, rememberedOf, sessionIdOf, StickySessions } from './sticky-sessions';

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
    const now = 1_700_000_000_000;
    expect(sticky.entry('token', 'my session', 'key-1', false, null, now)).toEqual({
      redisKey: key,
      keyId: 'key-1',
      value: 'key-1@1700000000',
      // At least the hour after the last turn: written again only once a quarter of it has passed.
      ttlSeconds: 3600 + 900,
    });
    expect(sticky.entry('token', 'my session', 'key-1', true, null, now)?.ttlSeconds).toBe(1800 + 450);
  });

  it('writes a session again only when its key changed or a quarter of its ttl has passed', () => {
    const sticky = new StickySessions(config);
    const now = 1_700_000_000_000;
    const entry = (remembered: string | null, at = now, inferred = false) =>
      sticky.entry('token', 'my session', 'key-1', inferred, rememberedOf(remembered), at);
    expect(entry('key-1@1700000000', now + 899_000)).toBeNull();
    expect(entry('key-1@1700000000', now + 900_000)?.value).toBe('key-1@1700000900');
    expect(entry('key-1@1700000000', now + 449_000, true)).toBeNull();
    expect(entry('key-1@1700000000', now + 450_000, true)).not.toBeNull();
    expect(entry('key-2@1700000000')?.keyId).toBe('key-1');
    // Written before values carried their time: written again, with it.
    expect(entry('key-1')?.value).toBe('key-1@1700000000');
    expect(entry(null)).not.toBeNull();
  });

  it('reads a remembered value, with or without its time', () => {
    expect(rememberedOf('key-1@1700000000')).toEqual({ keyId: 'key-1', writtenAt: 1_700_000_000 });
    expect(rememberedOf('0b6c2f1e-0000-4000-8000-000000000001')).toEqual({
      keyId: '0b6c2f1e-0000-4000-8000-000000000001',
      writtenAt: 0,
    });
    expect(rememberedOf('key@1@1700000000')).toEqual({ keyId: 'key@1', writtenAt: 1_700_000_000 });
    expect(rememberedOf('key@soon')).toEqual({ keyId: 'key@soon', writtenAt: 0 });
    expect(rememberedOf('')).toBeNull();
    expect(rememberedOf(null)).toBeNull();
  });
});
