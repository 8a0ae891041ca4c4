import type { UsageEvent } from '@gateway/usage';
import { UsageDraft } from '../../relay/usage-draft';
import { payloadUpToCovered } from './request-settlement';

// The settlement script appends the covered amount and `"}` to this payload; what the worker reads
// must be the event with that amount, whatever the event holds and in whichever order its fields are.
const settled = (event: UsageEvent, covered: string): unknown =>
  JSON.parse(`${payloadUpToCovered(event)}${covered}"}`);

function eventOf(errorMessage: string | null): UsageEvent {
  const draft = new UsageDraft(
    { requestId: 'req-1', endpoint: 'chat.completions', clientIp: '10.0.0.1', body: { model: 'gpt-4o' } },
    { tenantId: 'tenant-1', id: 'token-1' },
    Date.UTC(2026, 0, 15, 12, 30, 20),
  );
  draft.status = 502;
  draft.errorMessage = errorMessage;
  draft.coveredNano = 1234n;
  return draft.toEvent(5000n, Date.UTC(2026, 0, 15, 12, 30, 21));
}

describe('payloadUpToCovered', () => {
  it('is the JSON of the event as the draft made it, up to the covered amount', () => {
    const event = eventOf(null);
    expect(payloadUpToCovered(event)).toMatch(/,"coveredNano":"$/);
    expect(settled(event, '777')).toEqual({ ...event, coveredNano: '777' });
  });

  it('keeps text that looks like the field inside another value as it is', () => {
    const event = eventOf('upstream said ,"coveredNano":"9"} and "quotes" \\ and ü');
    expect(settled(event, '0')).toEqual({ ...event, coveredNano: '0' });
  });

  it('moves the field last when an event has it elsewhere', () => {
    const { coveredNano, ...rest } = eventOf(null);
    const first = { coveredNano, ...rest } as UsageEvent;
    expect(JSON.stringify(first).startsWith('{"coveredNano"')).toBe(true);
    expect(settled(first, '42')).toEqual({ ...first, coveredNano: '42' });
    // Last, but with an amount of another length than the one it is cut by.
    const longer = { ...rest, coveredNano: '1234567890123' } as UsageEvent;
    expect(settled(longer, '5')).toEqual({ ...longer, coveredNano: '5' });
  });
});
