// Reading and changing the runtime settings. Reads merge the stored rows over the environment's
// defaults; a change is validated as a whole (the cooldown bounds depend on each other), stored,
// audited and announced, so every api and worker process applies it at once.
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AuditService } from '@gateway/audit';
import type { SecretCipher } from '@gateway/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { Actor } from '@gateway/identity';
import { ChangeFeed } from '@gateway/redis';
import { Repository } from 'typeorm';
import { UpdateSettingsDto } from './dto/update-settings.dto';
import { Setting } from './entities/setting.entity';
import { settingsInForce } from './settings-in-force';
import { SettingsError, SettingsErrorCode } from './settings.errors';
import { RuntimeSettingsValues, SETTING_KEYS, SettingKey, SETTINGS_TOPIC } from './settings-schema';
import { PublicSettingsView, SettingsView, SmtpView } from './views/settings.view';
import {
  DEFAULT_PAYMENT_TERMS_DAYS,
  ExchangeRate,
  IssuerSettings,
  SmtpSettings,
} from './billing/billing-settings';
import { IssuerSettingsDto } from './dto/issuer-settings.dto';
import { SmtpSettingsDto } from './dto/smtp-settings.dto';
import { ExchangeRateDto, MAX_EXCHANGE_RATES } from './dto/exchange-rate.dto';
import {
  sealedSmtpPassword,
  sealSmtpPassword,
  settingsCipher,
  smtpPasswordNeedsSealing,
} from './billing/smtp-password';

const AUDIT_TYPE = 'settings';

@Injectable()
export class SettingsService {
  private readonly cipher: SecretCipher;

  constructor(
    @InjectRepository(Setting) private readonly rows: Repository<Setting>,
    private readonly audit: AuditService,
    private readonly changes: ChangeFeed,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.cipher = settingsCipher(config);
  }

  /** The settings in force: stored values over the environment's defaults. */
  values(): Promise<{ values: RuntimeSettingsValues; overridden: SettingKey[] }> {
    return settingsInForce(this.rows, this.config);
  }

  async get(): Promise<SettingsView> {
    const { values, overridden } = await this.values();
    return SettingsView.of(values, overridden);
  }

  async publicView(): Promise<PublicSettingsView> {
    const { values } = await this.values();
    return { siteName: values.siteName, siteUrl: values.siteUrl, registrationOpen: values.registrationOpen };
  }

  /** Sets one month's rate of one currency, leaving every other rate as it is. */
  setExchangeRate(actor: Actor, currency: string, period: string, rate: string): Promise<SettingsView> {
    return this.update(actor, {}, (rates) => {
      const others = rates.filter((row) => row.currency !== currency || row.period !== period);
      if (others.length >= MAX_EXCHANGE_RATES) {
        throw invalid(
          'period',
          `exchangeRates holds ${MAX_EXCHANGE_RATES} rates, the most it may; remove old ones first`,
        );
      }
      return [...others, { currency, period, rate }];
    });
  }

  /** Removes one month's rate of one currency (404 when it has none). */
  removeExchangeRate(actor: Actor, currency: string, period: string): Promise<SettingsView> {
    return this.update(actor, {}, (rates) => {
      const rest = rates.filter((row) => row.currency !== currency || row.period !== period);
      if (rest.length === rates.length) throw new SettingsError(SettingsErrorCode.ExchangeRateNotFound);
      return rest;
    });
  }

  /**
   * `editRates` changes the exchange rates in force inside the change's lock (one rate set by its
   * own route), so two such changes at once both land.
   */
  async update(
    actor: Actor,
    dto: UpdateSettingsDto,
    editRates?: (rates: readonly ExchangeRate[]) => ExchangeRate[],
  ): Promise<SettingsView> {
    const given = Object.fromEntries(
      SETTING_KEYS.filter((key) => dto[key] !== undefined).map((key) => [key, dto[key]]),
    ) as Partial<RuntimeSettingsValues>;
    if (given.siteName !== undefined) given.siteName = given.siteName.trim();
    if (given.exchangeRates !== undefined) given.exchangeRates = normalizedRates(given.exchangeRates);
    if (given.relayRetryStatuses !== undefined) {
      given.relayRetryStatuses = [...new Set(given.relayRetryStatuses)].sort((a, b) => a - b);
    }
    const view = await this.rows.manager.transaction(async (manager) => {
      // One change at a time, so the cross-field check below sees what it is checking.
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['gateway:settings']);
      const { values: before, overridden: wasOverridden } = await this.values();
      if (editRates) given.exchangeRates = normalizedRates(editRates(before.exchangeRates));
      const after: RuntimeSettingsValues = { ...before, ...given };
      if (dto.issuer !== undefined) after.issuer = mergedIssuer(before.issuer, dto.issuer);
      if (dto.smtp !== undefined) after.smtp = mergedSmtp(before.smtp, dto.smtp, this.cipher);
      // A password stored in plain text before passwords were sealed, or sealed under a master key
      // since rotated out of ENCRYPTION_KEY, is (re)sealed by any change.
      const unsealed = smtpPasswordNeedsSealing(this.cipher, after.smtp?.password ?? null);
      if (after.smtp && unsealed) {
        after.smtp = { ...after.smtp, password: sealedSmtpPassword(this.cipher, after.smtp.password) };
      }
      if (after.relayCooldownMaxMs < after.relayCooldownBaseMs) {
        const message = 'relayCooldownMaxMs must not be below relayCooldownBaseMs';
        throw new SettingsError(SettingsErrorCode.ValidationFailed, message, { field: 'relayCooldownMaxMs' });
      }
      const changed = SETTING_KEYS.filter(
        (key) =>
          (key in given || (key === 'smtp' && unsealed)) &&
          JSON.stringify(before[key]) !== JSON.stringify(after[key]),
      );
      for (const key of changed) {
        // As JSON text: a JSON null (siteUrl cleared) is a value, not SQL NULL.
        await manager.query(
          `INSERT INTO settings (key, value, updated_by) VALUES ($1, $2::jsonb, $3)
           ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = now()`,
          [key, JSON.stringify(after[key]), actor.userId],
        );
      }
      const overridden = [...new Set([...wasOverridden, ...changed])];
      const result = SettingsView.of(after, overridden);
      if (changed.length > 0) {
        // The audit log shows what the settings page shows: never the SMTP password.
        const pick = (v: RuntimeSettingsValues) =>
          Object.fromEntries(changed.map((key) => [key, key === 'smtp' ? SmtpView.of(v.smtp) : v[key]]));
        await this.audit.record(
          {
            actor,
            tenantId: null,
            action: 'update',
            entityType: AUDIT_TYPE,
            entityId: 'runtime',
            before: pick(before),
            after: pick(after),
          },
          manager,
        );
      }
      return { result, changed: changed.length > 0 };
    });
    if (view.changed) await this.changes.publish(SETTINGS_TOPIC);
    return view.result;
  }
}

function invalid(field: string, message: string): SettingsError {
  return new SettingsError(SettingsErrorCode.ValidationFailed, message, { field });
}

const trimmedOrNull = (value: string | null | undefined): string | null | undefined =>
  value === undefined || value === null ? value : value.trim() || null;

const lowerCased = (value: string | null | undefined) =>
  typeof value === 'string' ? value.toLowerCase() : value;

/** The issuer after a PATCH: fields left out keep their values; legal name and address are required. */
function mergedIssuer(before: IssuerSettings | null, dto: IssuerSettingsDto | null): IssuerSettings | null {
  if (dto === null) return null;
  const given = {
    legalName: dto.legalName?.trim(),
    address: dto.address?.trim(),
    taxId: trimmedOrNull(dto.taxId),
    email: lowerCased(trimmedOrNull(dto.email)),
    paymentInstructions: trimmedOrNull(dto.paymentInstructions),
    footer: trimmedOrNull(dto.footer),
    taxLabel: trimmedOrNull(dto.taxLabel),
    paymentTermsDays: dto.paymentTermsDays,
    logo: dto.logo,
  };
  const merged: Partial<IssuerSettings> = { ...(before ?? {}) };
  for (const [key, value] of Object.entries(given)) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  if (!merged.legalName) throw invalid('issuer.legalName', 'issuer.legalName is required');
  if (!merged.address) throw invalid('issuer.address', 'issuer.address is required');
  return {
    legalName: merged.legalName,
    address: merged.address,
    taxId: merged.taxId ?? null,
    email: merged.email ?? null,
    paymentInstructions: merged.paymentInstructions ?? null,
    footer: merged.footer ?? null,
    taxLabel: merged.taxLabel ?? null,
    paymentTermsDays: merged.paymentTermsDays ?? DEFAULT_PAYMENT_TERMS_DAYS,
    logo: merged.logo ?? null,
  };
}

/** The SMTP server after a PATCH: a password left out is the one stored before; a new one is sealed. */
function mergedSmtp(
  before: SmtpSettings | null,
  dto: SmtpSettingsDto | null,
  cipher: SecretCipher,
): SmtpSettings | null {
  if (dto === null) return null;
  return {
    host: dto.host.trim(),
    port: dto.port,
    secure: dto.secure ?? false,
    username: trimmedOrNull(dto.username) ?? null,
    password:
      dto.password === undefined
        ? sealedSmtpPassword(cipher, before?.password ?? null)
        : dto.password
          ? sealSmtpPassword(cipher, dto.password)
          : null,
    from: dto.from.trim(),
  };
}

/** One rate per month and currency, in a stable order (newest month first). */
function normalizedRates(rates: readonly ExchangeRateDto[]): ExchangeRate[] {
  const seen = new Set<string>();
  rates.forEach((rate, i) => {
    const key = `${rate.period} ${rate.currency}`;
    if (seen.has(key)) {
      throw invalid(`exchangeRates.${i}`, `exchangeRates lists ${rate.currency} for ${rate.period} twice`);
    }
    seen.add(key);
  });
  return rates
    .map((rate) => ({ period: rate.period, currency: rate.currency, rate: canonicalRate(rate.rate) }))
    .sort((a, b) =>
      a.period === b.period ? a.currency.localeCompare(b.currency) : a.period < b.period ? 1 : -1,
    );
}

/** "07.10" → "7.1": the same number always reads the same, so an unchanged list is no change. */
function canonicalRate(rate: string): string {
  const [whole = '0', fraction = ''] = rate.split('.');
  const integer = whole.replace(/^0+(?=\d)/, '');
  const rest = fraction.replace(/0+$/, '');
  return rest ? `${integer}.${rest}` : integer;
}
