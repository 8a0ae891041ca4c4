// Plans: the operators' catalogue of monthly offers. Subscriptions point at them by id.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditService } from '@gateway/audit';
import { PageQuery, pageWindow } from '@gateway/common/http';
import { isUniqueViolation, usdToNano } from '@gateway/db';
import { Actor, isSuperAdmin } from '@gateway/identity';
import { ChangeFeed } from '@gateway/redis';
import { EntityManager, Repository } from 'typeorm';
import { BillingError, BillingErrorCode } from '../billing.errors';
import { Plan } from '../entities/plan.entity';
import { CreatePlanDto } from './dto/create-plan.dto';
import { PlanLimitsDto } from './dto/plan-limits.dto';
import { UpdatePlanDto } from './dto/update-plan.dto';
import { PLANS_TOPIC } from './plans-topic';
import { PlanPageView, PlanView } from './views/plan.view';

const AUDIT_TYPE = 'plan';
const NAME_INDEX = 'plans_name_key';

const count = (value: number | null | undefined) =>
  value === null || value === undefined ? null : BigInt(value);

/** The limit columns a limits object sets; a key left out is not touched (PATCH) or unlimited (create). */
function limitColumns(limits: PlanLimitsDto, partial: boolean): Partial<Plan> {
  const columns: Partial<Plan> = {};
  if (!partial || limits.requests !== undefined) columns.limitRequests = count(limits.requests);
  if (!partial || limits.inputTokens !== undefined) columns.limitInputTokens = count(limits.inputTokens);
  if (!partial || limits.outputTokens !== undefined) columns.limitOutputTokens = count(limits.outputTokens);
  if (!partial || limits.spendUsd !== undefined) {
    columns.limitSpendNano = limits.spendUsd == null ? null : usdToNano(limits.spendUsd);
  }
  return columns;
}

const nameTaken = (name: string) =>
  new BillingError(BillingErrorCode.PlanNameTaken, `a plan named ${JSON.stringify(name)} already exists`);

@Injectable()
export class PlansService {
  constructor(
    @InjectRepository(Plan) private readonly plans: Repository<Plan>,
    private readonly audit: AuditService,
    private readonly feed: ChangeFeed,
  ) {}

  /** A super admin sees every plan; a tenant's user only the active ones. Cheapest first. */
  async list(actor: Actor, query: PageQuery): Promise<PlanPageView> {
    const [rows, total] = await this.plans.findAndCount({
      where: isSuperAdmin(actor) ? {} : { status: 'active' },
      order: { priceNano: 'ASC', name: 'ASC' },
      ...pageWindow(query),
    });
    return { items: rows.map((row) => PlanView.of(row)), total };
  }

  /** One plan; a tenant's user sees active plans and the one its tenant is on, else 404. */
  async get(actor: Actor, id: string, subscribedPlanId: string | null): Promise<PlanView> {
    const plan = await this.find(id);
    const visible = plan && (isSuperAdmin(actor) || plan.status === 'active' || plan.id === subscribedPlanId);
    if (!visible) throw new BillingError(BillingErrorCode.NotFound, 'no such plan');
    return PlanView.of(plan);
  }

  /** For subscriptions: the plan by id, or null. */
  find(id: string, manager?: EntityManager): Promise<Plan | null> {
    return (manager ?? this.plans.manager).findOneBy(Plan, { id });
  }

  async create(actor: Actor, dto: CreatePlanDto): Promise<PlanView> {
    const name = dto.name.trim();
    try {
      return await this.plans.manager.transaction(async (manager) => {
        const plan = await manager.save(
          manager.create(Plan, {
            name,
            priceNano: usdToNano(dto.priceUsd),
            ...limitColumns(dto.limits ?? {}, false),
            includedNano: usdToNano(dto.includedUsd ?? '0'),
            status: dto.status ?? 'active',
          }),
        );
        const after = PlanView.of(plan);
        await this.audit.record(
          {
            actor,
            tenantId: null,
            action: 'create',
            entityType: AUDIT_TYPE,
            entityId: plan.id,
            before: null,
            after,
          },
          manager,
        );
        return after;
      });
    } catch (error) {
      throw isUniqueViolation(error, NAME_INDEX) ? nameTaken(name) : error;
    }
  }

  async update(actor: Actor, id: string, dto: UpdatePlanDto): Promise<PlanView> {
    try {
      const view = await this.plans.manager.transaction(async (manager) => {
        const plan = await manager.findOne(Plan, { where: { id }, lock: { mode: 'pessimistic_write' } });
        if (!plan) throw new BillingError(BillingErrorCode.NotFound, 'no such plan');
        const before = PlanView.of(plan);
        const changes: Partial<Plan> = {
          ...(dto.name !== undefined ? { name: dto.name.trim() } : {}),
          ...(dto.priceUsd !== undefined ? { priceNano: usdToNano(dto.priceUsd) } : {}),
          ...(dto.includedUsd !== undefined ? { includedNano: usdToNano(dto.includedUsd) } : {}),
          ...(dto.status !== undefined ? { status: dto.status } : {}),
          ...(dto.limits ? limitColumns(dto.limits, true) : {}),
        };
        const saved = await manager.save(Object.assign(plan, changes));
        const after = PlanView.of(saved);
        await this.audit.record(
          { actor, tenantId: null, action: 'update', entityType: AUDIT_TYPE, entityId: id, before, after },
          manager,
        );
        return after;
      });
      // Every subscriber's limits and allowance change at once: the relay drops all cached plans.
      await this.feed.publish(PLANS_TOPIC, null);
      return view;
    } catch (error) {
      throw isUniqueViolation(error, NAME_INDEX) ? nameTaken(dto.name?.trim() ?? '') : error;
    }
  }
}
