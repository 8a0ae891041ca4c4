// Who calls /v1, as the controller read it off the HTTP request, and the checks every /v1 route
// makes of it: a valid, usable API key (token cache) of an active tenant (tenant cache).
import { Injectable } from '@nestjs/common';
import { checkToken, TokenAuthService, type TokenSnapshot } from '@gateway/tokens';
import { RelayError, RelayErrorCode } from '../relay.errors';
import { TenantFacts, TenantFactsService } from '../table/tenant-facts.service';

export interface RelayCaller {
  /** The secret from `Authorization: Bearer …` (or `x-api-key`); null when the request carried none. */
  readonly apiKey: string | null;
  /** The client's address as express resolved it (after `trust proxy`), for allowlists and records. */
  readonly clientIp: string | undefined;
}

@Injectable()
export class RelayCallers {
  constructor(
    private readonly tokens: TokenAuthService,
    private readonly tenants: TenantFactsService,
  ) {}

  /** The caller's token, when it may call from where it calls; a RelayError otherwise. */
  async authenticate(caller: RelayCaller): Promise<TokenSnapshot> {
    if (caller.apiKey === null) {
      throw new RelayError(
        RelayErrorCode.InvalidApiKey,
        'no API key: send Authorization: Bearer sk-… (or x-api-key)',
      );
    }
    const token = await this.tokens.resolve(caller.apiKey);
    const verdict = checkToken(token, { ip: caller.clientIp });
    if (verdict === 'ok') return token as TokenSnapshot;
    if (verdict === 'ip_not_allowed') {
      throw new RelayError(
        RelayErrorCode.IpNotAllowed,
        `this key may not be used from ${caller.clientIp ?? 'this address'}`,
      );
    }
    const why =
      verdict === 'expired' ? 'has expired' : verdict === 'disabled' ? 'is disabled' : 'is not valid';
    throw new RelayError(RelayErrorCode.InvalidApiKey, `the API key ${why}`);
  }

  /** The token's tenant, which must be active. */
  async tenantOf(token: TokenSnapshot): Promise<TenantFacts> {
    const facts = await this.tenants.get(token.tenantId);
    if (!facts?.active)
      throw new RelayError(RelayErrorCode.InvalidApiKey, "the API key's tenant is disabled");
    return facts;
  }
}
