import { nestsDeeperThan } from './json-depth';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('nestsDeeperThan', () => {
  it('counts objects and arrays alike', () => {
    expect(nestsDeeperThan(bytes('{"a":[{"b":[1]}]}'), 4)).toBe(false);
    expect(nestsDeeperThan(bytes('{"a":[{"b":[1]}]}'), 3)).toBe(true);
    expect(nestsDeeperThan(bytes('[]'), 1)).toBe(false);
    expect(nestsDeeperThan(bytes('1'), 0)).toBe(false);
  });

  it('measures the deepest point, not the number of containers', () => {
    const wide = JSON.stringify(Array.from({ length: 1000 }, () => ({ a: [1] })));
    expect(nestsDeeperThan(bytes(wide), 3)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan(bytes(JSON.stringify({ text: '[[[[{{{{ \\" [[[[' })), 1)).toBe(false);
    expect(nestsDeeperThan(bytes(JSON.stringify({ text: 'say "[[[["' })), 1)).toBe(false);
  });

  it('finds a deep body whatever its size', () => {
    expect(nestsDeeperThan(bytes('['.repeat(100_000)), 64)).toBe(true);
    expect(nestsDeeperThan(bytes(`${'['.repeat(64)}${']'.repeat(64)}`), 64)).toBe(false);
  });
});
