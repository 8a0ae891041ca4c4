import { csvCell, csvLine } from './csv';

describe('CSV cells', () => {
  it.each([
    ['=1+2', "'=1+2"],
    ['+SUM(A1)', "'+SUM(A1)"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\t=1', "'\t=1"],
    ['\r=1', '"\'\r=1"'],
  ])('prefix the formula %j with a quote so a spreadsheet shows it as text', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('quote cells with commas, quotes, line breaks or edge spaces, doubling inner quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell(' padded')).toBe('" padded"');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
  });

  it('leave plain text, numbers and booleans as they are, and empty for null', () => {
    expect(csvCell('gpt-4o-mini')).toBe('gpt-4o-mini');
    expect(csvCell('0.000123')).toBe('0.000123');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(false)).toBe('false');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('end each line with CRLF', () => {
    expect(csvLine(['a', 1, null, '=x'])).toBe("a,1,,'=x\r\n");
  });
});
