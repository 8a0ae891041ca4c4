// Top-ups and adjustments: credit-side ledger lines written by an operator, audited in the same
// transaction, mirrored to the hot path after the commit (CreditPoster).
import { Injectable } from '@nestjs/common';
import { AuditService } from '@gateway/audit';
import { usdToNano } from '@gateway/db';
import { Actor, TenantsService } from '@gateway/identity';
import { BillingError, BillingErrorCode } from '../billing.errors';
import { signedUsdToNano } from '../dto/credit-amount';
import { CreditLine, CreditPoster } from '../ledger/credit-poster';
import { LEDGER_ENTRY_AUDIT_TYPE, LedgerEntryView } from '../ledger/views/ledger-entry.view';
import { CreateAdjustmentDto } from './dto/create-adjustment.dto';
import { CreateTopupDto } from './dto/create-topup.dto';

@Injectable()
export class TopupsService {
  constructor(
    private readonly poster: CreditPoster,
    private readonly audit: AuditService,
    private readonly tenants: TenantsService,
  ) {}

  topup(actor: Actor, tenantId: string, dto: CreateTopupDto): Promise<LedgerEntryView> {
    return this.credit(actor, {
      tenantId,
      kind: 'topup',
      amountNano: usdToNano(dto.amountUsd),
      note: dto.note?.trim() || null,
      createdBy: actor.userId,
    });
  }

  /** May take the balance below zero: a correction must be recordable whatever was already spent. */
  adjust(actor: Actor, tenantId: string, dto: CreateAdjustmentDto): Promise<LedgerEntryView> {
    return this.credit(actor, {
      tenantId,
      kind: 'adjustment',
      amountNano: signedUsdToNano(dto.amountUsd),
      note: dto.note.trim(),
      createdBy: actor.userId,
    });
  }

  private async credit(actor: Actor, line: CreditLine): Promise<LedgerEntryView> {
    if (!(await this.tenants.exists(line.tenantId))) {
      throw new BillingError(BillingErrorCode.NotFound, 'no such tenant');
    }
    return this.poster.run(async ({ manager, append }) => {
      // No ref: every top-up is a new line (a client retrying must not send the same one twice).
      const entry = await append(line);
      if (!entry) throw new Error('a line without a ref is always appended');
      const view = LedgerEntryView.of(entry);
      await this.audit.record(
        {
          actor,
          tenantId: line.tenantId,
          action: 'create',
          entityType: LEDGER_ENTRY_AUDIT_TYPE,
          entityId: view.id,
          after: view,
        },
        manager,
      );
      return view;
    });
  }
}
