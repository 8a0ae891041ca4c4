// POST /v1/messages/count_tokens: the prompt's size before sending it. The gateway counts with its
// own tokenizer (the one its prompt estimates use), not the upstream's: no upstream call, no cost,
// and an answer whichever channel would serve the model, at the price of being an estimate.
import { Injectable } from '@nestjs/common';
import { countCanonicalPromptTokens, RequestValidationError } from '@gateway/providers';
import { RelayError, RelayErrorCode } from '../../relay.errors';
import { RelayCallers } from '../../relay/relay-caller';
import type { CountTokensCommand } from './count-tokens.command';

@Injectable()
export class CountTokens {
  constructor(private readonly callers: RelayCallers) {}

  async execute(command: CountTokensCommand): Promise<{ input_tokens: number }> {
    await this.callers.authenticate(command);
    try {
      // Counting asks for no output: the ingress's required output limit is not asked of the client.
      const withLimit = isObject(command.body) ? { max_tokens: 1, ...command.body } : command.body;
      return { input_tokens: countCanonicalPromptTokens(command.codec.parseRequest(withLimit)) };
    } catch (error) {
      if (error instanceof RequestValidationError) {
        throw new RelayError(RelayErrorCode.InvalidRequest, error.message, { param: error.param });
      }
      throw error;
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
