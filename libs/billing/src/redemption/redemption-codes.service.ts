// Redemption codes: an operator creates a batch (the codes are shown once, only hashes are kept);
// a tenant's owner or admin redeems one into their balance. The code row is locked for the redeem,
// so however many requests race with the same code, exactly one credits it; the ledger's unique
// (tenant, kind, ref = code id) is the second line of defence. An operator may disable a code or a
// whole batch (a leak) under the same row locks: a code is either redeemed or disabled, never both.
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditService } from '@gateway/audit';
import { pageWindow } from '@gateway/common/http';
import { usdToNano } from '@gateway/db';
import { Actor, isSuperAdmin, TenantsService, writeTenant } from '@gateway/identity';
import { Repository } from 'typeorm';
import { BillingError, BillingErrorCode } from '../billing.errors';
import { RedemptionCode } from '../entities/redemption-code.entity';
import { CreditPoster } from '../ledger/credit-poster';
import { LEDGER_ENTRY_AUDIT_TYPE, LedgerEntryView } from '../ledger/views/ledger-entry.view';
import { CreateRedemptionCodesDto } from './dto/create-redemption-codes.dto';
import { ListRedemptionCodesQuery } from './dto/list-redemption-codes.query';
import { RedeemCodeDto } from './dto/redeem-code.dto';
import {
  generateRedemptionCode,
  hashRedemptionCode,
  normalizeRedemptionCode,
  redemptionCodeHint,
} from './redemption-code';
import {
  CreatedRedemptionCodesView,
  DisabledRedemptionBatchView,
  RedemptionCodePageView,
  RedemptionCodeView,
  redemptionCodeStatus,
} from './views/redemption-code.view';

const CODE_AUDIT_TYPE = 'redemption_code';
const BATCH_AUDIT_TYPE = 'redemption_code_batch';

@Injectable()
export class RedemptionCodesService {
  constructor(
    @InjectRepository(RedemptionCode) private readonly codes: Repository<RedemptionCode>,
    private readonly poster: CreditPoster,
    private readonly audit: AuditService,
    private readonly tenants: TenantsService,
  ) {}

  async create(actor: Actor, dto: CreateRedemptionCodesDto): Promise<CreatedRedemptionCodesView> {
    const batchId = randomUUID();
    const amountNano = usdToNano(dto.amountUsd);
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    const note = dto.note?.trim() || null;
    return this.codes.manager.transaction(async (manager) => {
      const made = Array.from({ length: dto.count }, () => {
        const code = generateRedemptionCode();
        const canonical = code.replace(/-/g, '');
        const row = manager.create(RedemptionCode, {
          codeHash: hashRedemptionCode(canonical),
          hint: redemptionCodeHint(canonical),
          amountNano,
          batchId,
          expiresAt,
          note,
          createdBy: actor.userId,
          redeemedAt: null,
          redeemedTenantId: null,
          redeemedBy: null,
          ledgerEntryId: null,
          disabledAt: null,
          disabledBy: null,
        });
        return { code, row };
      });
      // save() fills in each row's id and created_at.
      await manager.save(
        made.map(({ row }) => row),
        { chunk: 200 },
      );
      const items = made.map(({ code, row }) => ({ ...RedemptionCodeView.of(row), code }));
      await this.audit.record(
        {
          actor,
          tenantId: null,
          action: 'create',
          entityType: BATCH_AUDIT_TYPE,
          entityId: batchId,
          // Never the codes: the masked hints identify them.
          after: {
            count: dto.count,
            amountUsd: dto.amountUsd,
            expiresAt: expiresAt?.toISOString() ?? null,
            note,
            maskedCodes: items.map((item) => item.maskedCode),
          },
        },
        manager,
      );
      return { batchId, items };
    });
  }

  async list(query: ListRedemptionCodesQuery): Promise<RedemptionCodePageView> {
    const qb = this.codes.createQueryBuilder('c');
    if (query.batchId) qb.andWhere('c.batchId = :batchId', { batchId: query.batchId });
    if (query.status === 'redeemed') qb.andWhere('c.redeemedAt IS NOT NULL');
    if (query.status === 'disabled') qb.andWhere('c.redeemedAt IS NULL').andWhere('c.disabledAt IS NOT NULL');
    if (query.status === 'unused' || query.status === 'expired') {
      qb.andWhere('c.redeemedAt IS NULL').andWhere('c.disabledAt IS NULL');
    }
    if (query.status === 'unused') qb.andWhere('(c.expiresAt IS NULL OR c.expiresAt > now())');
    if (query.status === 'expired') qb.andWhere('c.expiresAt <= now()');
    const { skip, take } = pageWindow(query);
    const [rows, total] = await qb
      .orderBy('c.createdAt', 'DESC')
      .addOrderBy('c.id', 'ASC')
      .skip(skip)
      .take(take)
      .getManyAndCount();
    return { items: rows.map((row) => RedemptionCodeView.of(row)), total };
  }

  /** Credits the code's value to the tenant once; returns the `redemption` ledger line. */
  async redeem(actor: Actor, dto: RedeemCodeDto): Promise<LedgerEntryView> {
    const tenantId = writeTenant(actor, dto.tenantId);
    if (isSuperAdmin(actor) && !(await this.tenants.exists(tenantId))) {
      throw new BillingError(BillingErrorCode.NotFound, 'no such tenant');
    }
    const canonical = normalizeRedemptionCode(dto.code);
    if (!canonical) throw new BillingError(BillingErrorCode.RedemptionCodeNotFound);
    return this.poster.run(async ({ manager, append }) => {
      const code = await manager.findOne(RedemptionCode, {
        where: { codeHash: hashRedemptionCode(canonical) },
        lock: { mode: 'pessimistic_write' },
      });
      if (!code) throw new BillingError(BillingErrorCode.RedemptionCodeNotFound);
      const status = redemptionCodeStatus(code);
      if (status === 'redeemed') throw new BillingError(BillingErrorCode.RedemptionCodeRedeemed);
      if (status === 'expired') throw new BillingError(BillingErrorCode.RedemptionCodeExpired);
      if (status === 'disabled') throw new BillingError(BillingErrorCode.RedemptionCodeDisabled);
      const before = RedemptionCodeView.of(code);
      const entry = await append({
        tenantId,
        kind: 'redemption',
        amountNano: code.amountNano,
        ref: code.id,
        note: `redemption code ${code.hint}`,
        createdBy: actor.userId,
      });
      // Unreachable while the row lock holds; if it ever is, the line exists and must not repeat.
      if (!entry) throw new BillingError(BillingErrorCode.RedemptionCodeRedeemed);
      Object.assign(code, {
        redeemedAt: new Date(),
        redeemedTenantId: tenantId,
        redeemedBy: actor.userId,
        ledgerEntryId: entry.id,
      });
      await manager.save(code);
      const line = LedgerEntryView.of(entry);
      await this.audit.record(
        {
          actor,
          tenantId,
          action: 'update',
          entityType: CODE_AUDIT_TYPE,
          entityId: code.id,
          before,
          after: RedemptionCodeView.of(code),
        },
        manager,
      );
      await this.audit.record(
        {
          actor,
          tenantId,
          action: 'create',
          entityType: LEDGER_ENTRY_AUDIT_TYPE,
          entityId: line.id,
          after: line,
        },
        manager,
      );
      return line;
    });
  }

  /**
   * Makes an unredeemed code unredeemable (idempotent: a disabled code is returned as it is). A
   * redeemed one is 409: its credit stays, nothing is taken back.
   */
  async disable(actor: Actor, id: string): Promise<RedemptionCodeView> {
    return this.codes.manager.transaction(async (manager) => {
      const code = await manager.findOne(RedemptionCode, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!code) throw new BillingError(BillingErrorCode.RedemptionCodeNotFound);
      if (code.redeemedAt) throw new BillingError(BillingErrorCode.RedemptionCodeRedeemed);
      if (code.disabledAt) return RedemptionCodeView.of(code);
      const before = RedemptionCodeView.of(code);
      Object.assign(code, { disabledAt: new Date(), disabledBy: actor.userId });
      await manager.save(code);
      const after = RedemptionCodeView.of(code);
      await this.audit.record(
        { actor, tenantId: null, action: 'update', entityType: CODE_AUDIT_TYPE, entityId: id, before, after },
        manager,
      );
      return after;
    });
  }

  /** Disables every unredeemed code of a batch at once; the redeemed ones stay redeemed. */
  async disableBatch(actor: Actor, batchId: string): Promise<DisabledRedemptionBatchView> {
    return this.codes.manager.transaction(async (manager) => {
      // Each row waits for a redeem that holds it, then is re-read: a code just redeemed is left.
      const disabled = (await manager.query(
        `UPDATE redemption_codes SET disabled_at = now(), disabled_by = $2
          WHERE batch_id = $1 AND redeemed_at IS NULL AND disabled_at IS NULL
          RETURNING hint`,
        [batchId, actor.userId],
      )) as [{ hint: string }[], number];
      const [counts] = (await manager.query(
        `SELECT count(*)::int AS total, count(redeemed_at)::int AS redeemed
           FROM redemption_codes WHERE batch_id = $1`,
        [batchId],
      )) as { total: number; redeemed: number }[];
      if (!counts || counts.total === 0) throw new BillingError(BillingErrorCode.NotFound, 'no such batch');
      const hints = disabled[0];
      if (hints.length > 0) {
        await this.audit.record(
          {
            actor,
            tenantId: null,
            action: 'update',
            entityType: BATCH_AUDIT_TYPE,
            entityId: batchId,
            // The masked hints, never the codes (as at creation).
            after: { disabled: hints.length, maskedCodes: hints.map((row) => row.hint) },
          },
          manager,
        );
      }
      return { batchId, disabled: hints.length, redeemed: counts.redeemed };
    });
  }
}
