import { moveModel, orderChanged } from './chain-order';

describe('moveModel', () => {
  const models = ['a', 'b', 'c', 'd'];

  it('moves a model down and up the order, leaving the input as it was', () => {
    expect(moveModel(models, 0, 2)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveModel(models, 3, 0)).toEqual(['d', 'a', 'b', 'c']);
    expect(models).toEqual(['a', 'b', 'c', 'd']);
  });

  it('ignores moves out of range or onto itself', () => {
    expect(moveModel(models, 1, 1)).toEqual(models);
    expect(moveModel(models, -1, 2)).toEqual(models);
    expect(moveModel(models, 0, 4)).toEqual(models);
  });
});

describe('orderChanged', () => {
  it('tells a reordered or resized list from the same one', () => {
    expect(orderChanged(['a', 'b'], ['a', 'b'])).toBe(false);
    expect(orderChanged(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(orderChanged(['a', 'b'], ['a'])).toBe(true);
  });
});
