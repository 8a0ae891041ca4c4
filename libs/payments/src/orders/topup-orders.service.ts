// A tenant's online top-ups: an order is created at the rate in force, then handed to its provider
// (a Stripe Checkout session, or EPay's signed submit URL) for the customer to pay. Nothing is
// credited here: the provider's verified notification does that (PaymentSettlement).
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditService } from '@gateway/audit';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { pageWindow } from '@gateway/common/http';
import { nanoToUsd, usdToNano } from '@gateway/db';
import { Actor, isSuperAdmin, readScope, TenantsService } from '@gateway/identity';
import { InvoiceSettlements, type OwnCurrencyCharge } from '@gateway/invoices';
import { RuntimeSettings } from '@gateway/settings';
import { Repository } from 'typeorm';
import { TopupOrder } from '../entities/topup-order.entity';
import { epaySubmitUrl } from '../epay/epay-protocol';
import { PaymentsError, PaymentsErrorCode } from '../payments.errors';
import { EpayAccount, PaymentProvidersService, StripeAccount } from '../providers/payment-providers.service';
import { PAYMENT_CURRENCIES, type PaymentCurrency } from '../providers/payment-provider-kinds';
import { NOTIFY_PATHS } from '../providers/views/payment-provider.view';
import { createCheckoutSession } from '../stripe/stripe-checkout';
import { stripeClient, stripeSdk } from '../stripe/stripe-client';
import { chargeMinor } from './charge-amount';
import { CreateTopupOrderDto } from './dto/create-topup-order.dto';
import { ListTopupOrdersQuery } from './dto/list-topup-orders.query';
import { PaymentOptionsView } from './views/payment-options.view';
import { TOPUP_ORDER_AUDIT_TYPE, TopupOrderPageView, TopupOrderView } from './views/topup-order.view';

/** How long a customer has to pay (Stripe Checkout accepts 30 minutes to 24 hours). */
export const TOPUP_ORDER_TTL_MS = 60 * 60 * 1000;

/** The provider an order is paid through, opened with its secrets. */
type Paying = { provider: 'stripe'; account: StripeAccount } | { provider: 'epay'; account: EpayAccount };

/** EPay needs one of its enabled methods; Stripe Checkout takes none. */
function chooseMethod(paying: Paying, method: string | undefined): string | null {
  if (paying.provider === 'stripe') {
    if (method === undefined) return null;
    throw new PaymentsError(PaymentsErrorCode.ValidationFailed, 'method is for EPay only', {
      field: 'method',
    });
  }
  const methods: readonly string[] = paying.account.methods;
  if (!method || !methods.includes(method)) {
    throw new PaymentsError(
      PaymentsErrorCode.ValidationFailed,
      `method must be one of ${methods.join(', ')}`,
      {
        field: 'method',
      },
    );
  }
  return method;
}

/**
 * What an order charges, and at what rate. Paying an invoice in its own currency costs what the
 * invoice states there (its share of the converted amount due, at the invoice's fixed rate), not
 * the USD amount at the provider's rate. In any other currency the USD amount is converted at the
 * provider's rate: the invoice's USD amounts are what the ledger and its settlement count.
 */
function orderCharge(
  amountNano: bigint,
  account: { currency: PaymentCurrency; usdRate: string },
  own: OwnCurrencyCharge | null,
): { charge: bigint; usdRate: string } {
  if (
    own &&
    own.currency.toLowerCase() === account.currency &&
    own.minorDigits === PAYMENT_CURRENCIES[account.currency]
  ) {
    return { charge: own.charge, usdRate: own.exchangeRate };
  }
  return { charge: chargeMinor(amountNano, account.currency, account.usdRate), usdRate: account.usdRate };
}

@Injectable()
export class TopupOrdersService {
  private readonly logger = new Logger(TopupOrdersService.name);

  constructor(
    @InjectRepository(TopupOrder) private readonly orders: Repository<TopupOrder>,
    private readonly providers: PaymentProvidersService,
    private readonly tenants: TenantsService,
    private readonly audit: AuditService,
    private readonly settings: RuntimeSettings,
    private readonly invoices: InvoiceSettlements,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async options(): Promise<PaymentOptionsView> {
    const enabled = await this.providers.enabled();
    return {
      providers: enabled.map((view) => ({
        provider: view.provider,
        currency: view.currency,
        usdRate: view.usdRate,
        methods: view.methods ?? [],
      })),
    };
  }

  /** `origin`: the address the caller reached the api at, when no site URL is set. */
  async create(
    actor: Actor,
    tenantId: string,
    dto: CreateTopupOrderDto,
    origin: string,
  ): Promise<TopupOrderView> {
    readScope(actor, tenantId);
    if (!(await this.tenants.exists(tenantId))) throw new PaymentsError(PaymentsErrorCode.NotFound);
    const amountNano = usdToNano(dto.amountUsd);
    const inInvoiceCurrency = dto.invoiceId
      ? await this.invoices.assertPayable(tenantId, dto.invoiceId, amountNano)
      : null;
    const paying: Paying =
      dto.provider === 'stripe'
        ? { provider: 'stripe', account: await this.providers.stripe() }
        : { provider: 'epay', account: await this.providers.epay() };
    const { account } = paying;
    const method = chooseMethod(paying, dto.method);
    const { charge, usdRate } = orderCharge(amountNano, account, inInvoiceCurrency);
    if (charge < 1n) {
      throw new PaymentsError(PaymentsErrorCode.ValidationFailed, 'amountUsd is too small to charge', {
        field: 'amountUsd',
      });
    }

    const order = await this.orders.manager.transaction(async (manager) => {
      const saved = await manager.save(
        manager.create(TopupOrder, {
          tenantId,
          provider: dto.provider,
          method,
          invoiceId: dto.invoiceId ?? null,
          status: 'pending',
          amountNano,
          currency: account.currency,
          chargeMinor: charge,
          usdRate,
          providerRef: null,
          payUrl: null,
          failureReason: null,
          ledgerEntryId: null,
          createdBy: actor.userId,
          expiresAt: new Date(Date.now() + TOPUP_ORDER_TTL_MS),
          paidAt: null,
        }),
      );
      await this.audit.record(
        {
          actor,
          tenantId,
          action: 'create',
          entityType: TOPUP_ORDER_AUDIT_TYPE,
          entityId: saved.id,
          after: { ...TopupOrderView.of(saved) },
        },
        manager,
      );
      return saved;
    });

    const base = ((await this.settings.current()).siteUrl ?? origin).replace(/\/+$/, '');
    const returnUrl = `${base}/billing?topup=${order.id}`;
    const name = dto.invoiceId
      ? `Invoice payment ${nanoToUsd(amountNano)} USD`
      : `Top-up ${nanoToUsd(amountNano)} USD`;
    if (paying.provider === 'epay') {
      order.payUrl = epaySubmitUrl(paying.account, order, {
        notifyUrl: `${base}${NOTIFY_PATHS.epay}`,
        returnUrl,
        name,
      });
    } else {
      try {
        const stripe = stripeClient(paying.account.secretKey, this.config.STRIPE_API_URL);
        const session = await createCheckoutSession(stripe, order, name, {
          successUrl: `${returnUrl}&result=success`,
          cancelUrl: `${returnUrl}&result=cancel`,
        });
        order.providerRef = session.sessionId;
        order.payUrl = session.url;
      } catch (error) {
        order.status = 'failed';
        order.failureReason = 'provider_error';
        await this.orders.save(order);
        const refused = error instanceof stripeSdk().errors.StripeInvalidRequestError;
        this.logger.warn(
          { orderId: order.id, err: (error as Error).message },
          'Stripe refused a Checkout session',
        );
        throw new PaymentsError(
          PaymentsErrorCode.ProviderUnavailable,
          refused ? `Stripe refused the payment: ${(error as Error).message}` : undefined,
        );
      }
    }
    return TopupOrderView.of(await this.orders.save(order));
  }

  async list(actor: Actor, tenantId: string, query: ListTopupOrdersQuery): Promise<TopupOrderPageView> {
    await this.assertTenantVisible(actor, tenantId);
    await this.expireStale(tenantId);
    const { skip, take } = pageWindow(query);
    const qb = this.orders.createQueryBuilder('o').where('o.tenantId = :tenantId', { tenantId });
    if (query.status) qb.andWhere('o.status = :status', { status: query.status });
    const [rows, total] = await qb
      .orderBy('o.createdAt', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .skip(skip)
      .take(take)
      .getManyAndCount();
    return { items: rows.map((row) => TopupOrderView.of(row)), total };
  }

  async get(actor: Actor, tenantId: string, orderId: string): Promise<TopupOrderView> {
    await this.assertTenantVisible(actor, tenantId);
    await this.expireStale(tenantId);
    const order = await this.orders.findOneBy({ id: orderId, tenantId });
    if (!order) throw new PaymentsError(PaymentsErrorCode.NotFound);
    return TopupOrderView.of(order);
  }

  /**
   * Pending orders past their expiry are expired (a provider that never says so, like EPay). A paid
   * notification arriving later still credits: the customer's money was taken.
   */
  private async expireStale(tenantId: string): Promise<void> {
    await this.orders
      .createQueryBuilder()
      .update()
      .set({ status: 'expired' })
      .where('tenant_id = :tenantId AND status = :pending AND expires_at < now()', {
        tenantId,
        pending: 'pending',
      })
      .execute();
  }

  private async assertTenantVisible(actor: Actor, tenantId: string): Promise<void> {
    readScope(actor, tenantId);
    if (isSuperAdmin(actor) && !(await this.tenants.exists(tenantId))) {
      throw new PaymentsError(PaymentsErrorCode.NotFound, 'no such tenant');
    }
  }
}
