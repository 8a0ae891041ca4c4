import { SseDecoder } from './sse-decoder';
import { encodeSseData, encodeSseDone, encodeSseError, encodeSseEvent } from './sse-encoder';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('SSE encoding', () => {
  it('frames a payload, [DONE] and an OpenAI-style error', () => {
    expect(text(encodeSseData({ a: '你好' }))).toBe('data: {"a":"你好"}\n\n');
    expect(text(encodeSseDone())).toBe('data: [DONE]\n\n');
    expect(text(encodeSseError({ message: 'upstream failed', type: 'upstream_error' }))).toBe(
      'data: {"error":{"message":"upstream failed","type":"upstream_error","code":null,"param":null}}\n\n',
    );
  });

  it('splits multi-line data into data lines and keeps the event name, so decoding gives it back', () => {
    const event = { event: 'message', data: 'one\ntwo\r\nthree' };
    const bytes = encodeSseEvent(event);
    expect(text(bytes)).toBe('event: message\ndata: one\ndata: two\ndata: three\n\n');
    expect(new SseDecoder().push(bytes)).toEqual([{ event: 'message', data: 'one\ntwo\nthree' }]);
  });

  it('frames one-line data without a name as one data line, and a lone CR or LF as several', () => {
    expect(text(encodeSseEvent({ data: '{"x":"é€😀"}' }))).toBe('data: {"x":"é€😀"}\n\n');
    expect(text(encodeSseEvent({ data: '' }))).toBe('data: \n\n');
    for (const data of ['a\rb', 'a\nb', 'a\r\nb']) {
      expect(new SseDecoder().push(encodeSseEvent({ data }))).toEqual([{ data: 'a\nb' }]);
    }
  });

  it('cannot be tricked into starting a new event by a line break in the event name', () => {
    expect(text(encodeSseEvent({ event: 'a\n\ndata: injected', data: 'x' }))).toBe(
      'event: adata: injected\ndata: x\n\n',
    );
  });

  it('hands out a fresh [DONE] buffer each time', () => {
    const first = encodeSseDone();
    first.fill(0);
    expect(text(encodeSseDone())).toBe('data: [DONE]\n\n');
  });
});
