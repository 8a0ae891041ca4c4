import { invoiceContent, INCLUDED_IN_PLAN, WRITTEN_OFF } from './invoice-content';

const usage = (model: string, costNano: bigint) => ({
  model,
  requests: 2,
  promptTokens: 100n,
  cachedTokens: 10n,
  cacheWriteTokens: 3n,
  completionTokens: 50n,
  costNano,
  writtenOffNano: 0n,
  writtenOffRequests: 0,
});

describe('invoiceContent', () => {
  it('names what a media model was billed in besides tokens on its line', () => {
    const content = invoiceContent({
      usage: [
        { ...usage('dall-e-3', 160_000_000n), billed: [{ unit: 'images', quantity: 4n }] },
        { ...usage('whisper-1', 800_000n), billed: [{ unit: 'audio_seconds', quantity: 1n }] },
        {
          ...usage('tts-1', 16_200_000n),
          billed: [
            { unit: 'characters', quantity: 1080n },
            { unit: 'requests', quantity: 2n },
          ],
        },
      ],
      ledger: { usageNano: 176_999_999n, planAllowanceNano: 0n, payments: [] },
      plan: null,
      taxRate: '0',
    });
    expect(content.lines.map((line) => line.description)).toEqual([
      'dall-e-3 (4 images)',
      'whisper-1 (1 second of audio)',
      'tts-1 (1080 characters, 2 requests)',
    ]);
  });

  it('a line per model, the plan fee, what the plan included (negative); payments are not in the total', () => {
    const content = invoiceContent({
      usage: [usage('gpt-4o', 1_000_000_001n), usage('深度求索', 2n)],
      ledger: {
        usageNano: 1_000_000_003n,
        planAllowanceNano: 500_000_000n,
        payments: [
          { id: 'p1', kind: 'topup', amountNano: 25_000_000_000n, note: 'wire', createdAt: new Date(0) },
        ],
      },
      plan: { planId: 'x', name: 'Pro', priceNano: 9_000_000_000n },
      taxRate: '0.1',
    });
    expect(content.lines.map((line) => [line.kind, line.description, line.amountNano])).toEqual([
      ['usage', 'gpt-4o', '1000000001'],
      ['usage', '深度求索', '2'],
      ['plan_fee', 'Plan: Pro', '9000000000'],
      ['plan_allowance', INCLUDED_IN_PLAN, '-500000000'],
    ]);
    expect(content.lines[0]).toMatchObject({
      inputTokens: '100',
      cachedTokens: '10',
      cacheWriteTokens: '3',
      outputTokens: '50',
    });
    expect(content.lines[2]?.cacheWriteTokens).toBeNull();
    expect(content.subtotalNano).toBe(9_500_000_003n);
    expect(content.taxNano).toBe(950_000_000n); // 950000000.3
    expect(content.totalNano).toBe(10_450_000_003n);
    expect(content.payments).toEqual([
      {
        ledgerEntryId: 'p1',
        kind: 'topup',
        date: '1970-01-01T00:00:00.000Z',
        note: 'wire',
        amountNano: '25000000000',
      },
    ]);
  });

  it('a model whose cost was capped at the hold: the line at its prices, the write-off below it, the total as debited', () => {
    const content = invoiceContent({
      // 3 requests at 0.5 each at the model's prices; one held 0.3, so 0.2 of it was written off.
      usage: [
        {
          ...usage('gpt-4o', 1_300_000_000n),
          requests: 3,
          writtenOffNano: 200_000_000n,
          writtenOffRequests: 1,
        },
        usage('gpt-4o-mini', 7n),
      ],
      ledger: { usageNano: 1_300_000_007n, planAllowanceNano: 0n, payments: [] },
      plan: null,
      taxRate: '0',
    });
    expect(
      content.lines.map((line) => [line.kind, line.description, line.requests, line.amountNano]),
    ).toEqual([
      ['usage', 'gpt-4o', 3, '1500000000'],
      ['write_off', `${WRITTEN_OFF}: gpt-4o`, 1, '-200000000'],
      ['usage', 'gpt-4o-mini', 2, '7'],
    ]);
    expect(content.lines[1]).toMatchObject({ model: 'gpt-4o', inputTokens: null });
    // Unchanged: what the ledger debited for the month.
    expect(content.subtotalNano).toBe(1_300_000_007n);
  });

  it('an idle period without a plan is an empty invoice of zero', () => {
    const content = invoiceContent({
      usage: [],
      ledger: { usageNano: 0n, planAllowanceNano: 0n, payments: [] },
      plan: null,
      taxRate: '0.08',
    });
    expect(content).toEqual({ lines: [], payments: [], subtotalNano: 0n, taxNano: 0n, totalNano: 0n });
  });
});
