import { headerSafe } from './header-safe';

describe('headerSafe', () => {
  it('keeps printable ASCII as it is', () => {
    expect(headerSafe('openai-main/gpt-4o-mini')).toBe('openai-main/gpt-4o-mini');
  });

  it('percent-encodes what Node would refuse in a header (a Chinese channel name, a newline)', () => {
    expect(headerSafe('主渠道/gpt-4o')).toBe('%E4%B8%BB%E6%B8%A0%E9%81%93/gpt-4o');
    expect(headerSafe('a\r\nb')).toBe('a%0D%0Ab');
  });
});
