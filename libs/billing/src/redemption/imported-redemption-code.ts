// A redemption code moved over from another gateway (NewAPI / one-api) and not yet used there: its
// customer still holds it, so it is stored like a code made here (SHA-256 and a hint, never the code)
// and redeemed through the same path. The importer calls this inside its transaction and records the
// audit row it hands back.
import type { Actor, AuditEntry } from '@gateway/identity';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { RedemptionCode } from '../entities/redemption-code.entity';
import { hashRedemptionCode, normalizeRedemptionCode, redemptionCodeHint } from './redemption-code';
import { RedemptionCodeView } from './views/redemption-code.view';

export interface ImportedRedemptionCodeInput {
  /** The code an earlier run made for this source row, if any. */
  codeId: string | null;
  /** The code as the source stores it. */
  code: string;
  amountNano: bigint;
  expiresAt: Date | null;
  note: string;
  /** The codes of one import run share a batch (a re-run keeps each code's first batch). */
  batchId: string;
}

export type ImportedRedemptionCode =
  | { outcome: 'created' | 'updated'; code: RedemptionCode; audit: AuditEntry }
  /** Left as it is, and why (already redeemed here, the same code already here, not a code). */
  | { outcome: 'kept'; reason: string; code: RedemptionCode | null };

export function newImportBatchId(): string {
  return randomUUID();
}

/** Creates or updates the code in `manager`'s transaction; a code redeemed here is never touched. */
export async function upsertImportedRedemptionCode(
  manager: EntityManager,
  actor: Actor,
  input: ImportedRedemptionCodeInput,
): Promise<ImportedRedemptionCode> {
  const canonical = normalizeRedemptionCode(input.code);
  if (!canonical) return { outcome: 'kept', reason: 'not a redemption code (32 hex characters)', code: null };
  const codeHash = hashRedemptionCode(canonical);
  const existing = input.codeId
    ? await manager.findOne(RedemptionCode, {
        where: { id: input.codeId },
        lock: { mode: 'pessimistic_write' },
      })
    : null;
  if (!existing) {
    if (await manager.existsBy(RedemptionCode, { codeHash }))
      return { outcome: 'kept', reason: 'the same code is already here', code: null };
    const code = await manager.save(
      manager.create(RedemptionCode, {
        codeHash,
        hint: redemptionCodeHint(canonical),
        amountNano: input.amountNano,
        batchId: input.batchId,
        expiresAt: input.expiresAt,
        note: input.note,
        createdBy: actor.userId,
        redeemedAt: null,
        redeemedTenantId: null,
        redeemedBy: null,
        ledgerEntryId: null,
        disabledAt: null,
        disabledBy: null,
      }),
    );
    const after = RedemptionCodeView.of(code);
    return {
      outcome: 'created',
      code,
      audit: {
        actor,
        tenantId: null,
        action: 'create',
        entityType: 'redemption_code',
        entityId: code.id,
        after,
      },
    };
  }
  if (existing.redeemedAt) return { outcome: 'kept', reason: 'already redeemed here', code: existing };
  const before = RedemptionCodeView.of(existing);
  Object.assign(existing, { amountNano: input.amountNano, expiresAt: input.expiresAt, note: input.note });
  const code = await manager.save(existing);
  return {
    outcome: 'updated',
    code,
    audit: {
      actor,
      tenantId: null,
      action: 'update',
      entityType: 'redemption_code',
      entityId: code.id,
      before,
      after: RedemptionCodeView.of(code),
    },
  };
}
