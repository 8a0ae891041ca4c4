import { ToolArgumentsPieces } from './tool-arguments-pieces';

/** What each piece passes on, and at the end what a held piece does. */
function read(pieces: string[]): { passed: string[]; end: string } {
  const reader = new ToolArgumentsPieces();
  const passed = pieces.map((piece) => reader.push(piece));
  return { passed, end: reader.end() };
}

describe('ToolArgumentsPieces', () => {
  it('passes incremental pieces on as they come', () => {
    expect(read(['{"a', '":', '1}'])).toEqual({ passed: ['{"a', '":', '1}'], end: '' });
  });

  it('passes on the new part of cumulative pieces, holding only the second until the third tells', () => {
    expect(read(['{"a', '{"a":', '{"a":1', '{"a":1}', '{"a":1}'])).toEqual({
      passed: ['{"a', '', '":1', '}', ''],
      end: '',
    });
  });

  it('ignores empty pieces, which tell nothing', () => {
    expect(read(['', '{"a', '', '{"a":1}', ''])).toEqual({ passed: ['', '{"a', '', '', ''], end: '":1}' });
  });

  it('settles a held piece at the end by which reading parses, cumulative when neither does', () => {
    expect(read(['{"', '{":1}']).end).toBe('{":1}');
    expect(read(['{"a":', '{"a":1}']).end).toBe('1}');
    expect(read(['{"a":', '{"a":1']).end).toBe('1');
  });

  it('passes on, once cumulative, a piece that does not repeat what came (nothing is lost)', () => {
    expect(read(['{"a', '{"a":1', '{"a":1}', 'x'])).toEqual({ passed: ['{"a', '', '":1}', 'x'], end: '' });
  });
});
