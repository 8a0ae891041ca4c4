// POST /v1/messages/count_tokens and Gemini's :countTokens: the prompt's size before sending it. The
// gateway counts with its own tokenizer (the one its prompt estimates use), not the upstream's: no
// upstream call, no cost, and an answer whichever channel would serve the model, at the price of
// being an estimate.
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

  /** The prompt's tokens; the route says them in its format (`input_tokens`, `totalTokens`). */
  async execute(command: CountTokensCommand): Promise<number> {
    const token = await this.callers.authenticate(command);
    let request: ReturnType<CountTokensCommand['codec']['parseRequest']>;
    try {
      // Counting asks for no output: the ingress's required output limit (Anthropic's max_tokens) is
      // not asked of the client; a format without one ignores the field.
      const withLimit = isObject(command.body) ? { max_tokens: 1, ...command.body } : command.body;
      request = command.codec.parseRequest(withLimit, command.context);
    } catch (error) {
      if (error instanceof RequestValidationError) {
        throw new RelayError(RelayErrorCode.InvalidRequest, error.message, { param: error.param });
      }
      throw error;
    }
    // A model the key may not use, or that nobody serves it, is refused as the ingress's relay refuses it.
    const facts = await this.callers.tenantOf(token);
    modelsToTry(await this.tables.current(), token, request.model, facts.group, command.clientIp);
    return countCanonicalPromptTokens(request);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
