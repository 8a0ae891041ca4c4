import { JsonObjectEnd } from './json-object-end';

function completeAfter(pieces: string[]): boolean[] {
  const end = new JsonObjectEnd();
  return pieces.map((piece) => {
    end.push(piece);
    return end.complete;
  });
}

describe('JsonObjectEnd', () => {
  it('is complete when the top-level object closes, however the text is split', () => {
    expect(completeAfter(['{"a":', ' {"b": [1, 2]', '}', '}'])).toEqual([false, false, false, true]);
    expect(completeAfter([' ', '{}'])).toEqual([false, true]);
  });

  it('ignores brackets and escaped quotes inside strings', () => {
    expect(completeAfter(['{"q": "} ] \\" {', '"', '}'])).toEqual([false, false, true]);
    expect(completeAfter(['{"q": "\\\\', '"}'])).toEqual([false, true]);
  });

  it('says how much of each piece belongs to the object: none once it has closed', () => {
    const end = new JsonObjectEnd();
    expect(['{"a":', ' 1} ', '{"a": 1}'].map((piece) => end.push(piece))).toEqual([5, 3, 0]);
  });

  it('is never complete for text that is no object or array', () => {
    expect(completeAfter(['', '42', '"x"', '}'])).toEqual([false, false, false, false]);
  });
});
