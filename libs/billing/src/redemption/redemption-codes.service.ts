// Redemption codes: an operator creates a batch (the codes are shown once, only hashes are kept);
// a tenant's owner or admin redeems one into their balance. The code row is locked for the redeem,
// so however many requests race with the same code, exactly one credits it; the ledger's unique
// (tenant, kind, ref = code id) is the second line of defence.
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
    if (query.status === 'unused') {
      qb.andWhere('c.redeemedAt IS NULL').andWhere('(c.expiresAt IS NULL OR c.expiresAt > now())');
    }
    if (query.status === 'expired') qb.andWhere('c.redeemedAt IS NULL').andWhere('c.expiresAt <= now()');
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
}
