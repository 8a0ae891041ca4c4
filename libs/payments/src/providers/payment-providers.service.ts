// The payment providers' configuration: read (secrets masked), changed by a super admin (audited,
// secrets sealed), and opened for a payment or a notification (secrets decrypted in memory only).
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditService } from '@gateway/audit';
import { KeyCipher } from '@gateway/channels';
import { Actor } from '@gateway/identity';
import { Repository } from 'typeorm';
import { PaymentProviderConfig } from '../entities/payment-provider-config.entity';
import { PaymentsError, PaymentsErrorCode } from '../payments.errors';
import { UpdateEpayProviderDto } from './dto/update-epay-provider.dto';
import { UpdateStripeProviderDto } from './dto/update-stripe-provider.dto';
import {
  EPAY_CURRENCY,
  EPAY_METHODS,
  EpayMethod,
  PAYMENT_PROVIDERS,
  PaymentCurrency,
  PaymentProviderKind,
} from './payment-provider-kinds';
import { openSecrets, sealSecrets } from './provider-secrets';
import { normalizeRate, PaymentProviderView } from './views/payment-provider.view';

const AUDIT_TYPE = 'payment_provider';

/** Which secrets each provider holds, and which settings it must have before it can be enabled. */
const SECRET_NAMES: Record<PaymentProviderKind, readonly string[]> = {
  stripe: ['secretKey', 'webhookSecret'],
  epay: ['key'],
};

/** What an account is opened for: taking a payment, or verifying a provider's notification. */
export type AccountUse = 'payment' | 'notification';

export interface StripeAccount {
  enabled: boolean;
  currency: PaymentCurrency;
  usdRate: string;
  secretKey: string;
  webhookSecret: string;
}

export interface EpayAccount {
  enabled: boolean;
  currency: PaymentCurrency;
  usdRate: string;
  gatewayUrl: string;
  pid: string;
  key: string;
  methods: EpayMethod[];
}

@Injectable()
export class PaymentProvidersService {
  constructor(
    @InjectRepository(PaymentProviderConfig) private readonly rows: Repository<PaymentProviderConfig>,
    private readonly cipher: KeyCipher,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<PaymentProviderView[]> {
    const stored = await this.rows.find();
    return PAYMENT_PROVIDERS.map((provider) =>
      PaymentProviderView.of(
        stored.find((row) => row.provider === provider) ?? this.blank(provider),
        SECRET_NAMES[provider],
      ),
    );
  }

  updateStripe(actor: Actor, dto: UpdateStripeProviderDto): Promise<PaymentProviderView> {
    return this.update(actor, 'stripe', (row, secrets) => {
      if (dto.currency !== undefined) row.currency = dto.currency as PaymentCurrency;
      if (dto.usdRate !== undefined) row.usdRate = dto.usdRate;
      else if (dto.currency === 'usd') row.usdRate = '1';
      if (dto.secretKey !== undefined) secrets['secretKey'] = dto.secretKey;
      if (dto.webhookSecret !== undefined) secrets['webhookSecret'] = dto.webhookSecret;
      if (dto.enabled !== undefined) row.enabled = dto.enabled;
    });
  }

  updateEpay(actor: Actor, dto: UpdateEpayProviderDto): Promise<PaymentProviderView> {
    return this.update(actor, 'epay', (row, secrets) => {
      const settings = { ...row.settings };
      if (dto.gatewayUrl !== undefined) settings['gatewayUrl'] = dto.gatewayUrl.replace(/\/+$/, '');
      if (dto.pid !== undefined) settings['pid'] = dto.pid;
      const methods = dto.methods;
      if (methods !== undefined) settings['methods'] = EPAY_METHODS.filter((m) => methods.includes(m));
      row.settings = settings;
      if (dto.usdRate !== undefined) row.usdRate = dto.usdRate;
      if (dto.key !== undefined) secrets['key'] = dto.key;
      if (dto.enabled !== undefined) row.enabled = dto.enabled;
    });
  }

  /**
   * Stripe's account with its secrets. For a payment it must be enabled (else 400); a notification
   * is still verified and acted on after it was disabled, since its money was taken.
   */
  async stripe(use: AccountUse = 'payment'): Promise<StripeAccount> {
    const row = await this.usableRow('stripe', use);
    const secrets = openSecrets(this.cipher, row);
    return {
      enabled: row.enabled,
      currency: row.currency,
      usdRate: normalizeRate(row.usdRate),
      secretKey: secrets['secretKey'] ?? '',
      webhookSecret: secrets['webhookSecret'] ?? '',
    };
  }

  async epay(use: AccountUse = 'payment'): Promise<EpayAccount> {
    const row = await this.usableRow('epay', use);
    const secrets = openSecrets(this.cipher, row);
    return {
      enabled: row.enabled,
      currency: row.currency,
      usdRate: normalizeRate(row.usdRate),
      gatewayUrl: row.settings['gatewayUrl'] as string,
      pid: row.settings['pid'] as string,
      methods: (row.settings['methods'] as EpayMethod[] | undefined) ?? [...EPAY_METHODS],
      key: secrets['key'] ?? '',
    };
  }

  /** The enabled providers, for the top-up form. */
  async enabled(): Promise<PaymentProviderView[]> {
    return (await this.list()).filter((view) => view.enabled);
  }

  private async usableRow(provider: PaymentProviderKind, use: AccountUse): Promise<PaymentProviderConfig> {
    const row = await this.rows.findOneBy({ provider });
    if (!row || (use === 'payment' && !row.enabled)) {
      throw new PaymentsError(PaymentsErrorCode.ProviderNotEnabled, undefined, { field: 'provider' });
    }
    return row;
  }

  private blank(provider: PaymentProviderKind): PaymentProviderConfig {
    return this.rows.create({
      provider,
      enabled: false,
      currency: provider === 'epay' ? EPAY_CURRENCY : 'usd',
      usdRate: provider === 'epay' ? '7.2' : '1',
      settings: provider === 'epay' ? { methods: [...EPAY_METHODS] } : {},
      secretsCiphertext: null,
      secretsKeyVersion: null,
      secretHints: {},
      updatedBy: null,
    });
  }

  private async update(
    actor: Actor,
    provider: PaymentProviderKind,
    change: (row: PaymentProviderConfig, secrets: Record<string, string>) => void,
  ): Promise<PaymentProviderView> {
    return this.rows.manager.transaction(async (manager) => {
      const repo = manager.getRepository(PaymentProviderConfig);
      const existing = await repo.findOne({ where: { provider }, lock: { mode: 'pessimistic_write' } });
      const row = existing ?? this.blank(provider);
      const before = PaymentProviderView.of(row, SECRET_NAMES[provider]);
      const secrets = openSecrets(this.cipher, row);
      const secretsBefore = JSON.stringify(secrets);
      change(row, secrets);
      if (row.currency === 'usd' && normalizeRate(row.usdRate) !== '1') {
        throw new PaymentsError(
          PaymentsErrorCode.ValidationFailed,
          'usdRate must be 1 when currency is usd',
          {
            field: 'usdRate',
          },
        );
      }
      if (row.enabled) assertUsable(provider, row, secrets);
      if (JSON.stringify(secrets) !== secretsBefore) sealSecrets(this.cipher, row, secrets);
      row.updatedBy = actor.userId;
      const saved = await repo.save(row);
      const after = PaymentProviderView.of(saved, SECRET_NAMES[provider]);
      await this.audit.record(
        {
          actor,
          tenantId: null,
          action: existing ? 'update' : 'create',
          entityType: AUDIT_TYPE,
          entityId: provider,
          // The views carry only the secrets' masks.
          before: existing ? { ...before } : undefined,
          after: { ...after },
        },
        manager,
      );
      return after;
    });
  }
}

/** An enabled provider must be able to take a payment and verify its notification. */
function assertUsable(
  provider: PaymentProviderKind,
  row: PaymentProviderConfig,
  secrets: Record<string, string>,
): void {
  const missing = [
    ...SECRET_NAMES[provider].filter((name) => !secrets[name]),
    ...(provider === 'epay' ? ['gatewayUrl', 'pid'].filter((name) => !row.settings[name]) : []),
  ];
  if (missing.length > 0) {
    throw new PaymentsError(
      PaymentsErrorCode.ProviderNotConfigured,
      `set ${missing.join(', ')} before enabling ${provider}`,
      { field: missing[0] },
    );
  }
}
