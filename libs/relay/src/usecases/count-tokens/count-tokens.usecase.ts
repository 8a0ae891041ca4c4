// POST /v1/messages/count_tokens: the prompt's size before sending it. The gateway counts with its
// own tokenizer (the one its prompt estimates use), not the upstream's: no upstream call, no cost,
// and an answer whichever channel would serve the model, at the price of being an estimate.
import { Injectable } from '@nestjs/common';
import { countCanonicalPromptTokens, RequestValidationError } from '@gateway/providers';
import { RelayError, RelayErrorCode } from '../../relay.errors';
import { RelayCallers } from '../../relay/relay-caller';
import { RoutingTableService } from '../../table/routing-table.service';
import { modelsToTry } from '../relay-request/models-to-try';
import type { CountTokensCommand } from './count-tokens.command';

@Injectable()
export class CountTokens {
  constructor(
    private readonly callers: RelayCallers,
    private readonly tables: RoutingTableService,
  ) {}

  async execute(command: CountTokensCommand): Promise<{ input_tokens: number }> {
    const token = await this.callers.authenticate(command);
    let request: ReturnType<CountTokensCommand['codec']['parseRequest']>;
    try {
      // Counting asks for no output: the ingress's required output limit is not asked of the client.
      const withLimit = isObject(command.body) ? { max_tokens: 1, ...command.body } : command.body;
      request = command.codec.parseRequest(withLimit);
    } catch (error) {
      if (error instanceof RequestValidationError) {
        throw new RelayError(RelayErrorCode.InvalidRequest, error.message, { param: error.param });
      }
      throw error;
    }
    // A model the key may not use, or that nobody serves it, is refused as /v1/messages refuses it.
    const facts = await this.callers.tenantOf(token);
    modelsToTry(await this.tables.current(), token, request.model, facts.group, command.clientIp);
    return { input_tokens: countCanonicalPromptTokens(request) };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
