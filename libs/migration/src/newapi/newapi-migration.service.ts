// Moving a NewAPI / one-api installation over: channels and their keys, users with their balances,
// their tokens (the same `sk-…` keeps working), prices and group ratios. Every kind runs through the
// domain that owns it; import_links remembers what each source row became, so a re-run updates what
// changed in the source and doubles nothing. The source is only ever read.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditService } from '@gateway/audit';
import {
  BillingError,
  CreditPoster,
  GroupMultipliersService,
  isValidMultiplier,
  MAX_CREDIT_USD,
  ModelPricesService,
  newImportBatchId,
  NewApiImportService,
  normalizeMultiplier,
  upsertImportedRedemptionCode,
} from '@gateway/billing';
import {
  ChannelKeysService,
  ChannelsError,
  ChannelsErrorCode,
  ChannelsService,
  GROUP_PATTERN,
  MAX_KEYS_PER_REQUEST,
  MODEL_NAME_PATTERN,
} from '@gateway/channels';
import { nanoToUsd } from '@gateway/db';
import {
  Actor,
  canonicalEmail,
  disableImportedAccount,
  isBcryptHash,
  upsertImportedAccount,
} from '@gateway/identity';
import {
  disableImportedToken,
  ImportedKeyRefused,
  MAX_QUOTA_USD,
  TokenAuthService,
  upsertImportedToken,
} from '@gateway/tokens';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ImportLink } from '../entities/import-link.entity';
import { MigrationError, MigrationErrorCode } from '../migration.errors';
import { digestOf, installationFingerprint } from './installation-fingerprint';
import { planChannel, PlannedChannel } from './newapi-channel';
import { planRedemption } from './newapi-redemption';
import { schemaProblem } from './newapi-schema';
import { planToken } from './newapi-token';
import { planUser, PlannedUser, USER_DELETED } from './newapi-user';
import { QuotaRate, quotaRate, quotaToNano, withinLimit } from './quota-units';
import { NewApiSource, SourceRow } from './source/newapi-source';
import { text } from './source-values';
import {
  ConvertedAmountView,
  GroupRatioView,
  KindReportView,
  NewApiMigrationReport,
} from './views/newapi-migration-report.view';

const SOURCE = 'newapi';
/** The session-level advisory lock one import holds while it runs. */
const IMPORT_LOCK = 'gateway:newapi-import';
export const NEWAPI_IMPORT_AUDIT_TYPE = 'newapi_import';

export interface MigrationOptions {
  dryRun: boolean;
  /** Overrides the fingerprint taken from the source's first user. */
  installation?: string;
}

type Links = Map<string, ImportLink>;
type LinkFields = Pick<ImportLink, 'kind' | 'sourceId' | 'targetId' | 'digest'> &
  Partial<Pick<ImportLink, 'creditedNano' | 'creditCount' | 'secretDigest'>>;

/** What the users step leaves for the tokens step: each imported source user's tenant and user. */
interface Owner {
  tenantId: string | null;
  userId: string | null;
  group: string;
}

function emptyKind(read: number): KindReportView {
  return { read, created: 0, updated: 0, unchanged: 0, skipped: [], notes: [] };
}

@Injectable()
export class NewApiMigrationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly channels: ChannelsService,
    private readonly channelKeys: ChannelKeysService,
    private readonly poster: CreditPoster,
    private readonly prices: NewApiImportService,
    private readonly modelPrices: ModelPricesService,
    private readonly multipliers: GroupMultipliersService,
    private readonly tokenAuth: TokenAuthService,
    private readonly audit: AuditService,
  ) {}

  async run(actor: Actor, source: NewApiSource, options: MigrationOptions): Promise<NewApiMigrationReport> {
    if (options.dryRun) return this.runUnlocked(actor, source, options);
    // One import at a time (a double click, or the CLI while the console runs one): two would both
    // find no links and race to create the same rows. A dry run only reads, and is never held up.
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [
        IMPORT_LOCK,
      ])) as { locked: boolean }[];
      if (!locked) throw new MigrationError(MigrationErrorCode.ImportRunning);
      try {
        return await this.runUnlocked(actor, source, options);
      } finally {
        await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [IMPORT_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  private async runUnlocked(
    actor: Actor,
    source: NewApiSource,
    options: MigrationOptions,
  ): Promise<NewApiMigrationReport> {
    const problem = await schemaProblem(source);
    if (problem) throw new MigrationError(MigrationErrorCode.ValidationFailed, problem);
    const [channelRows, userRows, tokenRows, optionRows, redemptionRows] = await Promise.all([
      source.rows('channels'),
      source.rows('users'),
      source.rows('tokens'),
      source.rows('options'),
      source.rows('redemptions'),
    ]);
    const settings = new Map(optionRows.map((row) => [text(row, 'key'), text(row, 'value')]));
    let rate: QuotaRate;
    try {
      rate = quotaRate(settings.get('QuotaPerUnit'));
    } catch (error) {
      throw new MigrationError(MigrationErrorCode.ValidationFailed, (error as Error).message);
    }
    let installation = options.installation ?? installationFingerprint(userRows);
    let links = await this.links(installation);
    let recognised: string | null = null;
    if (!options.installation && links.size === 0) {
      // The fingerprint reads the first user's name and affiliate code, which NewAPI lets change; an
      // installation imported before is still known by its users' (salted) password hashes.
      const known = await this.installationByPasswords(userRows);
      if (known && known !== installation) {
        recognised = `this source's first user changed since an earlier run (renamed, say): recognised as installation ${known} by its users' passwords`;
        installation = known;
        links = await this.links(known);
      }
    }
    const report: NewApiMigrationReport = {
      dryRun: options.dryRun,
      dialect: source.dialect,
      installation,
      quotaPerUnit: rate.text,
      channels: emptyKind(channelRows.length),
      keysAdded: 0,
      users: emptyKind(userRows.length),
      tokens: emptyKind(tokenRows.length),
      redemptionCodes: emptyKind(redemptionRows.length),
      amounts: [],
      groups: [],
      prices: null,
      pricedModels: 0,
      notImported: [],
    };
    if (recognised) report.users.notes.push(recognised);
    const link = (kind: string, sourceId: string) => links.get(`${kind}:${sourceId}`);
    const save = (manager: EntityManager, fields: LinkFields) => this.saveLink(manager, installation, fields);

    const earlierChannels = [...links.values()].filter((row) => row.kind === 'channel');
    await this.importChannels(actor, channelRows, earlierChannels, report, link, options.dryRun, save);
    const owners = await this.importUsers(
      actor,
      userRows,
      [...links.values()].filter((row) => row.kind === 'user'),
      rate,
      installation,
      report,
      link,
      options.dryRun,
      save,
    );
    const tokenLinks = [...links.values()].filter((row) => row.kind === 'token');
    await this.importTokens(actor, tokenRows, tokenLinks, owners, rate, report, link, options.dryRun, save);
    await this.importPrices(actor, settings, rate, report, link, options.dryRun, save);
    await this.reportUnpricedModels(channelRows, settings, report);
    await this.importGroupRatios(actor, settings, report, link, options.dryRun, save);
    await this.importRedemptionCodes(actor, redemptionRows, rate, report, link, options.dryRun, save);
    if (!options.dryRun) {
      await this.audit.record({
        actor,
        tenantId: null,
        action: 'create',
        entityType: NEWAPI_IMPORT_AUDIT_TYPE,
        entityId: installation,
        after: summaryOf(report),
      });
    }
    return report;
  }

  /**
   * All channels and their keys in one transaction; the relays are told after it commits. A channel an
   * earlier run brought in whose row is gone from NewAPI (which deletes channels outright) is disabled
   * here, once, not deleted (its usage history stays); an operator may enable it again.
   */
  private async importChannels(
    actor: Actor,
    rows: SourceRow[],
    earlierChannels: ImportLink[],
    report: NewApiMigrationReport,
    link: (kind: string, id: string) => ImportLink | undefined,
    dryRun: boolean,
    save: (manager: EntityManager, fields: LinkFields) => Promise<void>,
  ): Promise<void> {
    const kind = report.channels;
    const touched: string[] = [];
    const work = async (manager: EntityManager | null) => {
      for (const row of rows) {
        const plan = planChannel(row);
        if (!plan.ok) {
          kind.skipped.push({ sourceId: text(row, 'id'), label: text(row, 'name'), reason: plan.reason });
          continue;
        }
        const { planned } = plan;
        kind.notes.push(...planned.notes.map((note) => `channel ${planned.name}: ${note}`));
        if (planned.unroutable) {
          kind.notes.push(`channel ${planned.name}: ${planned.unroutable}; imported disabled`);
        }
        const digest = digestOf({ ...planned.channel, keys: planned.keys });
        const earlier = link('channel', planned.sourceId);
        const existing = earlier && (await this.channelExists(earlier.targetId)) ? earlier : undefined;
        if (existing?.digest === digest) {
          kind.unchanged += 1;
          continue;
        }
        if (!manager) {
          if (existing) kind.updated += 1;
          else kind.created += 1;
          report.keysAdded += existing
            ? (await this.channelKeys.missingKeys(existing.targetId, planned.keys)).length
            : planned.keys.length;
          if (existing)
            await this.retireRemovedKeys(actor, planned, existing.targetId, kind, link, null, save);
          continue;
        }
        let channelId: string;
        if (existing) {
          // The name stays what it is here: an operator may have renamed it.
          const { name: _name, ...fields } = planned.channel;
          channelId = (await this.channels.update(actor, existing.targetId, fields, manager)).id;
          kind.updated += 1;
        } else {
          channelId = await this.createChannel(actor, planned.channel, planned.sourceId, manager);
          kind.created += 1;
        }
        touched.push(channelId);
        const missing = await this.channelKeys.missingKeys(channelId, planned.keys, manager);
        for (let i = 0; i < missing.length; i += MAX_KEYS_PER_REQUEST) {
          await this.channelKeys.create(
            actor,
            channelId,
            { keys: missing.slice(i, i + MAX_KEYS_PER_REQUEST) },
            manager,
          );
        }
        report.keysAdded += missing.length;
        await this.retireRemovedKeys(actor, planned, channelId, kind, link, manager, save);
        await save(manager, { kind: 'channel', sourceId: planned.sourceId, targetId: channelId, digest });
      }
      const listed = new Set(rows.map((row) => text(row, 'id')));
      for (const earlier of earlierChannels) {
        if (listed.has(earlier.sourceId) || earlier.digest === CHANNEL_RETIRED) continue;
        if (!(await this.channelExists(earlier.targetId))) continue;
        kind.updated += 1;
        kind.notes.push(
          `channel #${earlier.sourceId}: imported by an earlier run and no longer in the source; disabled here`,
        );
        if (!manager) continue;
        const channel = await this.channels.get(earlier.targetId);
        if (channel.status !== 'disabled') {
          await this.channels.update(actor, earlier.targetId, { status: 'disabled' }, manager);
          touched.push(earlier.targetId);
        }
        await save(manager, {
          kind: 'channel',
          sourceId: earlier.sourceId,
          targetId: earlier.targetId,
          digest: CHANNEL_RETIRED,
        });
      }
    };
    if (dryRun) await work(null);
    else await this.dataSource.transaction((manager) => work(manager));
    await this.channels.announce(touched);
  }

  /**
   * Keeps a re-run from routing through a key that was taken out of the NewAPI channel. Each key the
   * source lists gets a link, so the import knows which keys are its own; one of those that the
   * source no longer lists is disabled (not deleted: its usage history stays), once. A key without a
   * link was added here by hand and is left alone. With no `manager` (a dry run) it only reports.
   */
  private async retireRemovedKeys(
    actor: Actor,
    planned: PlannedChannel,
    channelId: string,
    kind: KindReportView,
    link: (kind: string, id: string) => ImportLink | undefined,
    manager: EntityManager | null,
    save: (manager: EntityManager, fields: LinkFields) => Promise<void>,
  ): Promise<void> {
    const pool = await this.channelKeys.poolOf(channelId, planned.keys, manager ?? undefined);
    const retired: string[] = [];
    let unowned = 0;
    for (const key of pool) {
      const sourceId = `${planned.sourceId}:${key.id}`;
      const earlier = link('channel_key', sourceId);
      if (key.listed) {
        if (earlier?.digest === KEY_RETIRED && key.status !== 'enabled') {
          kind.notes.push(
            `channel ${planned.name}: key ${key.maskedKey} is in the NewAPI channel again but was disabled here by an earlier run; enable it by hand if it should be used`,
          );
        }
        if (manager && earlier?.digest !== KEY_LISTED)
          await save(manager, { kind: 'channel_key', sourceId, targetId: key.id, digest: KEY_LISTED });
        continue;
      }
      if (!earlier) {
        unowned += 1;
        continue;
      }
      if (earlier.digest === KEY_RETIRED) continue;
      kind.notes.push(
        `channel ${planned.name}: key ${key.maskedKey} is no longer in the NewAPI channel; disabled here`,
      );
      if (!manager) continue;
      if (key.status !== 'disabled') retired.push(key.id);
      await save(manager, { kind: 'channel_key', sourceId, targetId: key.id, digest: KEY_RETIRED });
    }
    if (manager && retired.length > 0)
      await this.channelKeys.disableInside(actor, channelId, retired, manager);
    if (unowned > 0) {
      kind.notes.push(
        `channel ${planned.name}: ${unowned} key(s) not in the NewAPI channel were left as they are (added here by hand, or imported before the import kept track of its keys)`,
      );
    }
  }

  private async createChannel(
    actor: Actor,
    channel: Parameters<ChannelsService['create']>[1],
    sourceId: string,
    manager: EntityManager,
  ): Promise<string> {
    // A taken name (this gateway's own channel, or another installation's import) gets the NewAPI id,
    // then a number: "OpenAI (NewAPI #1)", "OpenAI (NewAPI #1, 2)", …
    for (let attempt = 0; ; attempt += 1) {
      const suffix = attempt === 0 ? '' : ` (NewAPI #${sourceId}${attempt === 1 ? '' : `, ${attempt}`})`;
      const name = attempt === 0 ? channel.name : `${channel.name.slice(0, 80)}${suffix}`;
      try {
        return (await this.channels.create(actor, { ...channel, name }, manager)).id;
      } catch (error) {
        // The name check comes before any write, so the transaction is still usable here.
        const taken = error instanceof ChannelsError && error.code === ChannelsErrorCode.NameTaken;
        if (!taken || attempt >= MAX_NAME_ATTEMPTS) throw error;
      }
    }
  }

  private async channelExists(id: string): Promise<boolean> {
    try {
      await this.channels.get(id);
      return true;
    } catch (error) {
      if (error instanceof ChannelsError && error.code === ChannelsErrorCode.NotFound) return false;
      throw error;
    }
  }

  /** All users, their tenants and opening credits in one transaction. */
  private async importUsers(
    actor: Actor,
    rows: SourceRow[],
    earlierUsers: ImportLink[],
    rate: QuotaRate,
    installation: string,
    report: NewApiMigrationReport,
    link: (kind: string, id: string) => ImportLink | undefined,
    dryRun: boolean,
    save: (manager: EntityManager, fields: LinkFields) => Promise<void>,
  ): Promise<Map<string, Owner>> {
    const owners = new Map<string, Owner>();
    const kind = report.users;
    const planned: PlannedUser[] = [];
    /** Users an earlier run imported that the source no longer has (deleted there, or the row gone). */
    const gone: { sourceId: string; label: string; why: string }[] = [];
    for (const row of rows) {
      const plan = planUser(row);
      if (plan.ok) {
        planned.push(plan.planned);
        continue;
      }
      kind.skipped.push({ sourceId: text(row, 'id'), label: text(row, 'username'), reason: plan.reason });
      // Only a deletion: a row skipped for another reason is still a user NewAPI lets in.
      if (plan.reason === USER_DELETED)
        gone.push({ sourceId: text(row, 'id'), label: text(row, 'username'), why: plan.reason });
    }
    const listed = new Set(rows.map((row) => text(row, 'id')));
    for (const earlier of earlierUsers) {
      if (!listed.has(earlier.sourceId))
        gone.push({
          sourceId: earlier.sourceId,
          label: `user #${earlier.sourceId}`,
          why: 'no longer in the source',
        });
    }
    const work = async (manager: EntityManager | null, append: CreditAppend | null) => {
      for (const { sourceId, label, why } of gone) {
        // NewAPI refuses a deleted user's sign-in and keys; the account an earlier run made of them is
        // disabled here, once (an operator may enable it again), not deleted: its history stays.
        const userLink = link('user', sourceId);
        const tenantLink = link('tenant', sourceId);
        if (!userLink || userLink.digest === USER_RETIRED) continue;
        kind.updated += 1;
        kind.notes.push(`${label}: imported by an earlier run and ${why}; sign-in and tenant disabled here`);
        if (!manager) continue;
        const audit = await disableImportedAccount(manager, actor, {
          tenantId: tenantLink?.targetId ?? null,
          userId: userLink.targetId,
        });
        for (const entry of audit) await this.audit.record(entry, manager);
        const common = { sourceId, digest: USER_RETIRED };
        if (tenantLink) await save(manager, { ...common, kind: 'tenant', targetId: tenantLink.targetId });
        await save(manager, {
          ...common,
          kind: 'user',
          targetId: userLink.targetId,
          // What was credited stays known, so a user who comes back is credited only the difference.
          creditedNano: userLink.creditedNano,
          creditCount: userLink.creditCount,
          secretDigest: userLink.secretDigest,
        });
      }
      for (const user of planned) {
        kind.notes.push(...user.notes);
        const converted = quotaToNano(user.quota, rate);
        // The opening balance goes in as ledger lines, each at most MAX_CREDIT_USD (README, Billing).
        const opening = withinLimit(converted.nano, MAX_CREDIT_USD);
        if (opening !== converted.nano) {
          kind.notes.push(
            `${user.username}: a balance of ${nanoToUsd(converted.nano)} USD is more than the ${MAX_CREDIT_USD} USD one credit line may hold here; imported as ${nanoToUsd(opening)}`,
          );
        }
        const userLink = link('user', user.sourceId);
        const tenantLink = link('tenant', user.sourceId);
        const secretDigest = createHash('sha256').update(user.passwordHash).digest('hex');
        const { passwordHash: _secret, notes: _notes, ...fields } = user;
        const digest = digestOf({ ...fields, secretDigest });
        const credited = userLink?.creditedNano ?? 0n;
        let credit = opening - credited;
        if (withinLimit(credit, MAX_CREDIT_USD) !== credit) {
          // Only a swing from a large debt to a large balance, or an earlier run's oversized credit.
          kind.notes.push(
            `${user.username}: the change of ${nanoToUsd(credit)} USD is more than one credit line may hold; not credited, adjust the balance by hand`,
          );
          credit = 0n;
        }
        report.amounts.push({
          kind: 'balance',
          sourceId: user.sourceId,
          label: user.username,
          quota: user.quota.toString(),
          usd: nanoToUsd(converted.nano),
          rounded: converted.rounded,
          creditedUsd: nanoToUsd(userLink?.digest === digest ? 0n : credit),
        });
        if (userLink && tenantLink && userLink.digest === digest) {
          kind.unchanged += 1;
          owners.set(user.sourceId, {
            tenantId: tenantLink.targetId,
            userId: userLink.targetId,
            group: user.group,
          });
          continue;
        }
        if (userLink) kind.updated += 1;
        else kind.created += 1;
        if (!manager || !append) {
          owners.set(user.sourceId, { tenantId: null, userId: null, group: user.group });
          continue;
        }
        const account = await upsertImportedAccount(manager, actor, {
          tenantId: tenantLink?.targetId ?? null,
          userId: userLink?.targetId ?? null,
          username: user.username,
          email: user.email,
          fallbackEmail: `newapi-${installation}-${user.sourceId}@imported.invalid`,
          tenantName: user.username,
          fallbackTenantName: `${user.username} (NewAPI #${user.sourceId})`,
          name: user.name,
          role: user.role,
          disabled: user.disabled,
          group: user.group,
          ...(!userLink || userLink.secretDigest !== secretDigest ? { passwordHash: user.passwordHash } : {}),
        });
        for (const entry of account.audit) await this.audit.record(entry, manager);
        if (account.created && account.username === null) {
          kind.notes.push(`${user.username}: the username is taken here; they sign in with ${account.email}`);
        }
        if (account.created && account.email !== (user.email && canonicalEmail(user.email))) {
          kind.notes.push(
            `${user.username}: email missing, invalid or taken here; stored as ${account.email}`,
          );
        }
        let creditCount = userLink?.creditCount ?? 0;
        if (credit !== 0n) {
          creditCount += 1;
          const line = await append({
            tenantId: account.tenantId,
            kind: 'adjustment',
            amountNano: credit,
            ref: `newapi:${installation}:user:${user.sourceId}:${creditCount}`,
            note: `NewAPI balance of ${user.username}: ${user.quota} quota at ${rate.text} per USD`,
            createdBy: actor.userId,
          });
          if (line) {
            await this.audit.record(
              {
                actor,
                tenantId: account.tenantId,
                action: 'create',
                entityType: 'ledger_entry',
                entityId: line.id,
                after: { id: line.id, kind: line.kind, amountUsd: nanoToUsd(line.amountNano), ref: line.ref },
              },
              manager,
            );
          }
        }
        const common = { sourceId: user.sourceId, digest };
        await save(manager, { ...common, kind: 'tenant', targetId: account.tenantId });
        await save(manager, {
          ...common,
          kind: 'user',
          targetId: account.userId,
          creditedNano: credited + credit,
          creditCount,
          secretDigest,
        });
        owners.set(user.sourceId, { tenantId: account.tenantId, userId: account.userId, group: user.group });
      }
    };
    if (dryRun) await work(null, null);
    else await this.poster.run(({ manager, append }) => work(manager, append));
    return owners;
  }

  /**
   * All tokens in one transaction; the relay's caches are told after it commits. A token an earlier
   * run brought in whose row NewAPI no longer lets through (deleted, its user deleted, or the row
   * gone) is disabled here, once, as NewAPI now refuses it; an operator may enable it again by hand.
   */
  private async importTokens(
    actor: Actor,
    rows: SourceRow[],
    earlierTokens: ImportLink[],
    owners: Map<string, Owner>,
    rate: QuotaRate,
    report: NewApiMigrationReport,
    link: (kind: string, id: string) => ImportLink | undefined,
    dryRun: boolean,
    save: (manager: EntityManager, fields: LinkFields) => Promise<void>,
  ): Promise<void> {
    const kind = report.tokens;
    const changed: { id: string; keyHash: string }[] = [];
    const retire = async (manager: EntityManager | null, sourceId: string, label: string, why: string) => {
      const earlier = link('token', sourceId);
      if (!earlier || earlier.digest === TOKEN_RETIRED) return;
      kind.notes.push(`${label}: imported by an earlier run and ${why}; disabled here`);
      kind.updated += 1;
      if (!manager) return;
      const disabled = await disableImportedToken(manager, actor, earlier.targetId);
      if (disabled?.audit) await this.audit.record(disabled.audit, manager);
      if (disabled) changed.push({ id: disabled.token.id, keyHash: disabled.token.keyHash });
      await save(manager, { kind: 'token', sourceId, targetId: earlier.targetId, digest: TOKEN_RETIRED });
    };
    const work = async (manager: EntityManager | null) => {
      const listed = new Set(rows.map((row) => text(row, 'id')));
      for (const row of rows) {
        const plan = planToken(row);
        if (!plan.ok) {
          kind.skipped.push({ sourceId: text(row, 'id'), label: text(row, 'name'), reason: plan.reason });
          await retire(manager, text(row, 'id'), text(row, 'name'), plan.reason);
          continue;
        }
        const token = plan.planned;
        const owner = owners.get(token.sourceUserId);
        if (!owner) {
          const reason = 'its user was not imported';
          kind.skipped.push({ sourceId: token.sourceId, label: token.name, reason });
          await retire(manager, token.sourceId, token.name, `${reason} (deleted in the source?)`);
          continue;
        }
        kind.notes.push(...token.notes);
        if (token.group && token.group !== owner.group) {
          kind.notes.push(
            `${token.name}: token group ${JSON.stringify(token.group)} not kept (a token uses its tenant's group)`,
          );
        }
        const remaining = token.remainQuota === null ? null : quotaToNano(token.remainQuota, rate);
        let remainingNano: bigint | null = null;
        if (remaining) {
          report.amounts.push({
            kind: 'token_quota',
            sourceId: token.sourceId,
            label: token.name,
            quota: String(token.remainQuota),
            usd: nanoToUsd(remaining.nano),
            rounded: remaining.rounded,
          });
          remainingNano = withinLimit(remaining.nano, MAX_QUOTA_USD);
          if (remainingNano !== remaining.nano) {
            kind.notes.push(
              `${token.name}: a quota of ${nanoToUsd(remaining.nano)} USD is more than a token may have here; imported as ${MAX_QUOTA_USD}`,
            );
          }
        }
        const { notes: _notes, key, ...fields } = token;
        const digest = digestOf({ ...fields, keyHash: createHash('sha256').update(key).digest('hex') });
        const earlier = link('token', token.sourceId);
        if (earlier?.digest === digest) {
          kind.unchanged += 1;
          continue;
        }
        if (!manager || !owner.tenantId) {
          if (earlier) kind.updated += 1;
          else kind.created += 1;
          continue;
        }
        try {
          const imported = await upsertImportedToken(manager, actor, {
            tokenId: earlier?.targetId ?? null,
            tenantId: owner.tenantId,
            userId: owner.userId,
            key,
            name: token.name,
            remainingNano,
            expiresAt: token.expiresAt,
            models: token.models,
            ipAllowlist: token.ipAllowlist,
            status: token.status,
          });
          if (imported.audit) await this.audit.record(imported.audit, manager);
          if (imported.created) kind.created += 1;
          else kind.updated += 1;
          changed.push({ id: imported.token.id, keyHash: imported.token.keyHash });
          await save(manager, {
            kind: 'token',
            sourceId: token.sourceId,
            targetId: imported.token.id,
            digest,
          });
        } catch (error) {
          if (!(error instanceof ImportedKeyRefused)) throw error;
          kind.skipped.push({ sourceId: token.sourceId, label: token.name, reason: error.message });
        }
      }
      for (const earlier of earlierTokens) {
        if (!listed.has(earlier.sourceId))
          await retire(manager, earlier.sourceId, `token #${earlier.sourceId}`, 'no longer in the source');
      }
    };
    if (dryRun) await work(null);
    else await this.dataSource.transaction((manager) => work(manager));
    for (const token of changed) await this.tokenAuth.invalidate(token);
  }

  /** Codes not yet used in the source, all in one transaction; each one redeemable here as it was there. */
  private async importRedemptionCodes(
    actor: Actor,
    rows: SourceRow[],
    rate: QuotaRate,
    report: NewApiMigrationReport,
    link: (kind: string, id: string) => ImportLink | undefined,
    dryRun: boolean,
    save: (manager: EntityManager, fields: LinkFields) => Promise<void>,
  ): Promise<void> {
    const kind = report.redemptionCodes;
    const now = new Date();
    const batchId = newImportBatchId();
    const work = async (manager: EntityManager | null) => {
      for (const row of rows) {
        const plan = planRedemption(row, now);
        const earlier = link('redemption_code', text(row, 'id'));
        if (!plan.ok) {
          kind.skipped.push({ sourceId: text(row, 'id'), label: text(row, 'name'), reason: plan.reason });
          if (earlier) {
            kind.notes.push(
              `code #${text(row, 'id')} was imported by an earlier run and is ${plan.reason} now: it stays redeemable here until an operator removes it`,
            );
          }
          continue;
        }
        const code = plan.planned;
        const amount = quotaToNano(code.quota, rate);
        const label = code.name || `#${code.sourceId}`;
        report.amounts.push({
          kind: 'redemption_code',
          sourceId: code.sourceId,
          label,
          quota: code.quota.toString(),
          usd: nanoToUsd(amount.nano),
          rounded: amount.rounded,
        });
        if (amount.nano === 0n) {
          kind.skipped.push({ sourceId: code.sourceId, label, reason: 'worth less than a nano-dollar here' });
          continue;
        }
        if (withinLimit(amount.nano, MAX_CREDIT_USD) !== amount.nano) {
          kind.skipped.push({
            sourceId: code.sourceId,
            label,
            reason: `worth more than the ${MAX_CREDIT_USD} USD a code may credit here`,
          });
          continue;
        }
        const { code: secret, ...fields } = code;
        const digest = digestOf({ ...fields, codeHash: createHash('sha256').update(secret).digest('hex') });
        if (earlier?.digest === digest) {
          kind.unchanged += 1;
          continue;
        }
        if (!manager) {
          if (earlier) kind.updated += 1;
          else kind.created += 1;
          continue;
        }
        const imported = await upsertImportedRedemptionCode(manager, actor, {
          codeId: earlier?.targetId ?? null,
          code: secret,
          amountNano: amount.nano,
          expiresAt: code.expiresAt,
          note: `NewAPI redemption code ${label}: ${code.quota} quota at ${rate.text} per USD`,
          batchId,
        });
        if (imported.outcome === 'kept') {
          if (imported.code) {
            kind.unchanged += 1;
            kind.notes.push(`code ${label}: ${imported.reason}; left as it is`);
          } else {
            kind.skipped.push({ sourceId: code.sourceId, label, reason: imported.reason });
          }
          continue;
        }
        await this.audit.record(imported.audit, manager);
        if (imported.outcome === 'created') kind.created += 1;
        else kind.updated += 1;
        await save(manager, {
          kind: 'redemption_code',
          sourceId: code.sourceId,
          targetId: imported.code.id,
          digest,
        });
      }
    };
    if (dryRun) await work(null);
    else await this.dataSource.transaction((manager) => work(manager));
  }

  /**
   * Names each model an imported channel serves that the source prices neither by ModelRatio nor by
   * ModelPrice and that has no price here: NewAPI refuses such a model (or bills it at a ratio built
   * into its code), while here a model without a price costs nothing.
   */
  private async reportUnpricedModels(
    channelRows: SourceRow[],
    settings: Map<string, string>,
    report: NewApiMigrationReport,
  ): Promise<void> {
    const priced = new Set([
      // Their unusable entries were reported when the prices were imported.
      ...Object.keys(ratioMap(settings.get('ModelRatio'), 'ModelRatio', null) ?? {}),
      ...Object.keys(ratioMap(settings.get('ModelPrice'), 'ModelPrice', null) ?? {}),
    ]);
    const served = new Set<string>();
    for (const row of channelRows) {
      const plan = planChannel(row);
      if (plan.ok) for (const model of plan.planned.channel.models) if (!priced.has(model)) served.add(model);
    }
    const pricedHere = await this.modelPrices.currentPrices([...served]);
    for (const model of [...served].sort()) {
      if (pricedHere.has(model)) continue;
      report.notImported.push(
        `prices: ${model} is served by an imported channel but has neither a ModelRatio nor a ModelPrice in the source (NewAPI refuses it, or bills it at a ratio built into its code): it costs nothing here until it has a price`,
      );
    }
  }

  /**
   * The source's prices, each remembered (a `price` link: the digest of what the source said) so that
   * a re-run leaves alone a price an operator changed here after the last import (see importAgain).
   */
  private async importPrices(
    actor: Actor,
    settings: Map<string, string>,
    rate: QuotaRate,
    report: NewApiMigrationReport,
    link: (kind: string, id: string) => ImportLink | undefined,
    dryRun: boolean,
    save: (manager: EntityManager, fields: LinkFields) => Promise<void>,
  ): Promise<void> {
    const modelRatio = ratioMap(settings.get('ModelRatio'), 'ModelRatio', report.notImported) ?? {};
    const modelPrice = ratioMap(settings.get('ModelPrice'), 'ModelPrice', report.notImported) ?? {};
    const fixed = (model: string) => Object.prototype.hasOwnProperty.call(modelPrice, model);
    const models = new Set([...Object.keys(modelRatio), ...Object.keys(modelPrice)]);
    if (models.size === 0) {
      report.notImported.push(
        'prices: the source saved no ModelRatio (NewAPI then uses its built-in defaults)',
      );
      return;
    }
    report.pricedModels = models.size;
    const completionRatio = ratioMap(settings.get('CompletionRatio'), 'CompletionRatio', report.notImported);
    const cacheRatio = ratioMap(settings.get('CacheRatio'), 'CacheRatio', report.notImported);
    // NewAPI saves only the ratios an admin changed and bills any other model's completion at a
    // ratio built into its code (gpt-4o at 4×, for one), which the database does not hold. A model
    // with a ModelPrice is billed per call there, whatever its ratios.
    for (const model of Object.keys(modelRatio).sort()) {
      if (fixed(model)) continue;
      if (completionRatio && Object.prototype.hasOwnProperty.call(completionRatio, model)) continue;
      report.notImported.push(
        `prices: CompletionRatio has no entry for ${model}: its output is priced at its input price (ratio 1), while NewAPI may bill it at a ratio built into its code; check ${model}'s output price`,
      );
    }
    const previous = new Map<string, string>();
    for (const model of models) {
      const earlier = link('price', modelKey(model));
      if (earlier) previous.set(model, earlier.digest);
    }
    try {
      const { view, digests } = await this.prices.importAgain(
        actor,
        { modelRatio, completionRatio, cacheRatio, modelPrice, quotaPerUnit: Number(rate.text) },
        previous,
        dryRun,
      );
      report.prices = view;
      if (dryRun) return;
      for (const [model, { digest, priceId }] of digests) {
        if (priceId === null || previous.get(model) === digest) continue;
        await save(this.dataSource.manager, {
          kind: 'price',
          sourceId: modelKey(model),
          targetId: priceId,
          digest,
        });
      }
    } catch (error) {
      if (!(error instanceof BillingError)) throw error;
      report.notImported.push(`prices: ${error.message}`);
    }
  }

  /**
   * GroupRatio as group multipliers, each remembered (a `group` link) like a price: a re-run leaves a
   * multiplier an operator changed here since the last import as it is.
   */
  private async importGroupRatios(
    actor: Actor,
    settings: Map<string, string>,
    report: NewApiMigrationReport,
    link: (kind: string, id: string) => ImportLink | undefined,
    dryRun: boolean,
    save: (manager: EntityManager, fields: LinkFields) => Promise<void>,
  ): Promise<void> {
    const ratios = ratioMap(settings.get('GroupRatio'), 'GroupRatio', report.notImported, GROUP_NAME) ?? {};
    const current = await this.multipliers.multipliers();
    const spellings = groupSpellings(Object.keys(ratios));
    const seen = new Set<string>();
    for (const [rawGroup, ratio] of Object.entries(ratios)) {
      const group = rawGroup.toLowerCase();
      const multiplier = String(ratio);
      const view: GroupRatioView = { group, multiplier, outcome: 'set' };
      // NewAPI's groups are case-sensitive, ours lower case: "Gold" and "gold" are one group here
      // (their users too). One ratio under two spellings is set once; two ratios are the operator's
      // call, since setting both would leave whichever came last, a different one each re-run.
      if (seen.has(group)) continue;
      seen.add(group);
      const names = spellings.get(group) ?? [rawGroup];
      const ratiosOfGroup = new Set(names.map((name) => canonicalRatio(String(ratios[name]))));
      if (ratiosOfGroup.size > 1) {
        report.groups.push({
          ...view,
          outcome: 'skipped',
          reason: `the source names ${names.join(' and ')}, one group here (names are lower case): set its multiplier by hand`,
        });
        continue;
      }
      if (!GROUP_PATTERN.test(group)) {
        report.groups.push({ ...view, outcome: 'skipped', reason: 'not a group name here' });
        continue;
      }
      if (!isValidMultiplier(multiplier)) {
        report.groups.push({
          ...view,
          outcome: 'skipped',
          reason: 'a multiplier must be > 0 and ≤ 100, 4 decimals at most',
        });
        continue;
      }
      const canonical = normalizeMultiplier(multiplier);
      const here = current.get(group) ?? '1';
      const before = link('group', group)?.digest;
      const remember = async () => {
        if (!dryRun && before !== digestOf(canonical))
          await save(this.dataSource.manager, {
            kind: 'group',
            sourceId: group,
            targetId: NO_TARGET_ID,
            digest: digestOf(canonical),
          });
      };
      if (here === canonical) {
        report.groups.push({ ...view, multiplier: canonical, outcome: 'unchanged' });
        await remember();
        continue;
      }
      if (before !== undefined && before !== digestOf(here)) {
        report.groups.push({
          ...view,
          multiplier: canonical,
          outcome: 'kept',
          reason:
            before === digestOf(canonical)
              ? `changed here (to ${here}) since the last import, and not in the source: left as set here`
              : `changed here (to ${here}) and in the source since the last import: left as set here, check it`,
        });
        await remember();
        continue;
      }
      if (!dryRun) await this.multipliers.set(actor, group, { multiplier: canonical });
      await remember();
      report.groups.push({ ...view, multiplier: canonical });
    }
  }

  /**
   * The installation an earlier run imported these users under, told by the digests of their bcrypt
   * hashes (salted, so no two installations share one): the one most of them match, if any.
   */
  private async installationByPasswords(users: SourceRow[]): Promise<string | null> {
    const digests = [
      ...new Set(
        users
          .map((row) => text(row, 'password'))
          .filter((hash) => isBcryptHash(hash))
          .map((hash) => createHash('sha256').update(hash).digest('hex')),
      ),
    ].slice(0, PASSWORD_SAMPLE);
    if (digests.length === 0) return null;
    const found = await this.dataSource
      .getRepository(ImportLink)
      .createQueryBuilder('link')
      .select('link.installation', 'installation')
      .addSelect('count(*)', 'matches')
      .where('link.source = :source AND link.kind = :kind', { source: SOURCE, kind: 'user' })
      .andWhere('link.secretDigest IN (:...digests)', { digests })
      .groupBy('link.installation')
      .orderBy('matches', 'DESC')
      .limit(1)
      .getRawOne<{ installation: string }>();
    return found?.installation ?? null;
  }

  private async links(installation: string): Promise<Links> {
    const rows = await this.dataSource.getRepository(ImportLink).findBy({ source: SOURCE, installation });
    return new Map(rows.map((row) => [`${row.kind}:${row.sourceId}`, row]));
  }

  private async saveLink(manager: EntityManager, installation: string, fields: LinkFields): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(ImportLink)
      .values({ source: SOURCE, installation, ...fields })
      .orUpdate(
        ['target_id', 'digest', 'credited_nano', 'credit_count', 'secret_digest', 'updated_at'],
        ['source', 'installation', 'kind', 'source_id'],
      )
      .execute();
  }
}

type CreditAppend = Parameters<Parameters<CreditPoster['run']>[0]>[0]['append'];

const GROUP_NAME = /^.{1,64}$/;

/** The source's spellings of each group name here (its lower case), in the source's order. */
function groupSpellings(names: string[]): Map<string, string[]> {
  const spellings = new Map<string, string[]>();
  for (const name of names) {
    const group = name.toLowerCase();
    spellings.set(group, [...(spellings.get(group) ?? []), name]);
  }
  return spellings;
}

/** A ratio as a multiplier here ("1.50" and "1.5" are one), or as given when it is none. */
function canonicalRatio(ratio: string): string {
  return isValidMultiplier(ratio) ? normalizeMultiplier(ratio) : ratio;
}
/** How many users' password digests identify an installation (plenty; keeps the query bounded). */
const PASSWORD_SAMPLE = 1000;
/** How many numbered names a channel whose name is taken tries before the run gives up. */
const MAX_NAME_ATTEMPTS = 100;

/** A `group` link's target: a group multiplier has no id of its own (its source id is the group). */
const NO_TARGET_ID = '00000000-0000-0000-0000-000000000000';

/** A `price` link's source id: the model's name may be longer than a source id holds. */
function modelKey(model: string): string {
  return createHash('sha256').update(model).digest('hex');
}

/** A channel_key link's digest: whether the key was listed in the source, or retired by the import. */
const KEY_LISTED = digestOf('listed');
const KEY_RETIRED = digestOf('retired');
/** A token link's digest once the import disabled the token because the source dropped it. */
const TOKEN_RETIRED = digestOf('token retired');
/** A channel link's digest once the import disabled the channel the source dropped. */
const CHANNEL_RETIRED = digestOf('channel retired');
/** A user's (and tenant's) link digest once the import disabled the account the source dropped. */
const USER_RETIRED = digestOf('user retired');

/** A `{name: number}` option (ModelRatio and kin), its unusable entries reported and dropped. */
function ratioMap(
  json: string | undefined,
  option: string,
  /** Where its problems are reported; null: not (they were already). */
  notImported: string[] | null,
  names: RegExp = MODEL_NAME_PATTERN,
): Record<string, number> | undefined {
  if (!json?.trim()) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    notImported?.push(`${option}: not JSON`);
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const kept: Record<string, number> = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (names.test(name) && typeof value === 'number' && Number.isFinite(value) && value >= 0)
      kept[name] = value;
    else dropped.push(name);
  }
  if (dropped.length > 0) notImported?.push(`${option}: entries dropped: ${dropped.slice(0, 20).join(', ')}`);
  return kept;
}

function summaryOf(report: NewApiMigrationReport): Record<string, unknown> {
  const counts = (kind: KindReportView) => ({
    read: kind.read,
    created: kind.created,
    updated: kind.updated,
    unchanged: kind.unchanged,
    skipped: kind.skipped.length,
  });
  const credited = report.amounts.filter(
    (a): a is ConvertedAmountView & { creditedUsd: string } => a.creditedUsd !== undefined,
  );
  return {
    dialect: report.dialect,
    quotaPerUnit: report.quotaPerUnit,
    channels: counts(report.channels),
    keysAdded: report.keysAdded,
    users: counts(report.users),
    tokens: counts(report.tokens),
    redemptionCodes: counts(report.redemptionCodes),
    credits: credited.map((a) => ({ sourceId: a.sourceId, creditedUsd: a.creditedUsd })),
    prices: report.prices?.set.length ?? 0,
    groups: report.groups.filter((g) => g.outcome === 'set').length,
  };
}
