// Which models a request for `asked` may be served by, for this token and group: one, or a chain's,
// in order. Shared by the relay and by what answers about a model without relaying it
// (count_tokens), so both refuse the same models the same way.
import { checkToken, type TokenSnapshot } from '@gateway/tokens';
import { RelayError, RelayErrorCode } from '../../relay.errors';
import type { RoutingTable } from '../../table/routing-table';

export function modelsToTry(
  table: RoutingTable,
  token: TokenSnapshot,
  asked: string,
  group: string,
  ip: string | undefined,
): readonly string[] {
  // A token limited to some models learns nothing of the others: refused before the lookup.
  if (checkToken(token, { ip, model: asked }) === 'model_not_allowed') {
    throw new RelayError(RelayErrorCode.ModelNotAllowed, `this key may not use the model ${asked}`, {
      param: 'model',
    });
  }
  const route = table.route(asked, group);
  // A member no channel serves to the group (a channel edit may have stranded it since the chain was
  // written) is skipped here, in memory, so that neither the hold nor the token's allowlist counts it.
  const served = route === null ? [] : route.models.filter((model) => table.serves(model, group));
  // A chain none of whose models the group is served is as unknown as a model nobody serves.
  if (served.length === 0) {
    throw new RelayError(
      RelayErrorCode.ModelNotFound,
      `the model ${asked} does not exist or is not served to this key`,
      { param: 'model' },
    );
  }
  const allowed = served.filter((model) => checkToken(token, { ip, model }) !== 'model_not_allowed');
  if (allowed.length === 0) {
    throw new RelayError(RelayErrorCode.ModelNotAllowed, `this key may use none of the models of ${asked}`, {
      param: 'model',
    });
  }
  return allowed;
}
