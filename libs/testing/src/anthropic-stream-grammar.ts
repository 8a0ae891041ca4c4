// The event grammar of an Anthropic Messages stream, as a client that finalises a block at its
// content_block_stop relies on it: message_start; then per content block, one at a time,
// content_block_start → content_block_delta* → content_block_stop, indices 0, 1, 2, … in order, with
// no event of another block in between; then message_delta and message_stop. `ping` may come anywhere.

/** One decoded stream event: its `type` (the SSE event name) and its data. */
export interface AnthropicWireEvent {
  type: string;
  index?: unknown;
}

/**
 * Every way `events` break the grammar, as readable sentences (empty: well-formed), so a failing
 * test says which event went where rather than only that the sequence differs.
 */
export function anthropicStreamGrammarViolations(events: readonly AnthropicWireEvent[]): string[] {
  const problems: string[] = [];
  const seen = events.filter((event) => event.type !== 'ping');
  const at = (position: number, event: AnthropicWireEvent) =>
    `event ${position} (${event.type}${event.index === undefined ? '' : ` of block ${String(event.index)}`})`;
  if (seen[0]?.type !== 'message_start') problems.push('the stream does not begin with message_start');
  const tail = seen.slice(-2).map((event) => event.type);
  if (tail[0] !== 'message_delta' || tail[1] !== 'message_stop')
    problems.push(`the stream ends with ${tail.join(', ')}, not message_delta, message_stop`);
  let open: unknown = null;
  let nextIndex = 0;
  seen.slice(1, -2).forEach((event, offset) => {
    const position = offset + 1;
    switch (event.type) {
      case 'content_block_start':
        if (open !== null) problems.push(`${at(position, event)} while block ${String(open)} is open`);
        if (event.index !== nextIndex) problems.push(`${at(position, event)}: expected block ${nextIndex}`);
        open = event.index;
        nextIndex++;
        break;
      case 'content_block_delta':
      case 'content_block_stop':
        if (open === null || event.index !== open)
          problems.push(
            `${at(position, event)} while ${open === null ? 'no block' : `block ${String(open)}`} is open`,
          );
        if (event.type === 'content_block_stop') open = null;
        break;
      default:
        problems.push(`${at(position, event)} inside the message's content`);
    }
  });
  if (open !== null) problems.push(`block ${String(open)} is never stopped`);
  return problems;
}
