// An upstream of another format refused a /v1/chat/completions request: what it said, in OpenAI's
// terms. The client's SDK picks its exception by status, but callers branch on `code` (trimming a
// conversation on `context_length_exceeded`) and read `type`; Anthropic's `not_found_error` or
// Google's `INVALID_ARGUMENT` there mean nothing to them. The message stays the upstream's.
import type { UpstreamErrorClassifier, UpstreamVerdict } from '../errors/classify-upstream-error';
import { isContextLengthError } from '../errors/error-meaning';
import { openAiErrorType } from './error-body';

/**
 * | the upstream said                         | code                      | param      |
 * | ----------------------------------------- | ------------------------- | ---------- |
 * | a prompt past the context, any dialect    | `context_length_exceeded` | `messages` |
 * | 404                                       | `model_not_found`         | `model`    |
 * | anything else                             | none (the status decides) | none       |
 *
 * `type` is OpenAI's for the status.
 */
export function inOpenAiTerms(verdict: UpstreamVerdict, status: number): UpstreamVerdict {
  const { error } = verdict;
  const [code, param] = isContextLengthError(error)
    ? ['context_length_exceeded', 'messages']
    : status === 404
      ? ['model_not_found', 'model']
      : [null, null];
  return { ...verdict, error: { ...error, code, param, type: openAiErrorType(status) } };
}

/** A classifier whose verdicts speak OpenAI's terms: the meaning (kind) is the provider's own. */
export function classifyInOpenAiTerms(classify: UpstreamErrorClassifier): UpstreamErrorClassifier {
  return (response, now) => inOpenAiTerms(classify(response, now), response.status);
}
