import { chainOf, moveEntry, prioritiesOf, tiersOf } from './fallback-chain';

const channel = (id: string, priority: number, weight = 1) => ({ id, name: id, priority, weight });

describe('the fallback chain editor', () => {
  it('orders channels by priority (higher first) and links equal priorities into one tier', () => {
    const chain = chainOf([channel('backup', 0), channel('main-a', 10, 3), channel('main-b', 10, 1)]);
    expect(chain.map((entry) => [entry.id, entry.linked])).toEqual([
      ['main-a', false],
      ['main-b', true],
      ['backup', false],
    ]);
    expect(tiersOf(chain)).toEqual([0, 0, 1]);
  });

  it('keeps the current priorities when the order already matches them', () => {
    const chain = chainOf([channel('a', 7), channel('b', 7), channel('c', 3)]);
    expect([...prioritiesOf(chain)]).toEqual([
      ['a', 7],
      ['b', 7],
      ['c', 3],
    ]);
  });

  it('renumbers the tiers 10 apart when a drag changed the order', () => {
    const chain = moveEntry(chainOf([channel('a', 10), channel('b', 5), channel('c', 0)]), 2, 0);
    expect(chain.map((entry) => entry.id)).toEqual(['c', 'a', 'b']);
    expect([...prioritiesOf(chain)]).toEqual([
      ['c', 20],
      ['a', 10],
      ['b', 0],
    ]);
  });

  it('never links the first entry to a tier above it', () => {
    const chain = chainOf([channel('a', 10), channel('b', 10)]);
    const moved = moveEntry(chain, 1, 0);
    expect(moved[0]).toMatchObject({ id: 'b', linked: false });
    expect(tiersOf(moved)).toEqual([0, 1]);
    expect([...prioritiesOf(moved)]).toEqual([
      ['b', 10],
      ['a', 0],
    ]);
  });
});
