import { SseLines } from './sse-lines';

describe('SseLines (the playground reading a /v1 stream)', () => {
  it('yields each data payload once its event is complete, across chunk boundaries', () => {
    const lines = new SseLines();
    expect(lines.push('data: {"a":')).toEqual([]);
    expect(lines.push('1}\n\ndata: {"b":2}\n')).toEqual(['{"a":1}']);
    expect(lines.push('\ndata: [DONE]\n\n')).toEqual(['{"b":2}', '[DONE]']);
  });

  it('ignores comments and other fields, and accepts CRLF line ends', () => {
    const lines = new SseLines();
    expect(lines.push(': keep-alive\r\n\r\nevent: x\r\ndata: {"c":3}\r\n\r\n')).toEqual(['{"c":3}']);
  });
});
