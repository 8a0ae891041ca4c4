// The provider layer: pure wire-format code the relay builds on (no Nest, no database).
export {
  adapterFor,
  errorClassifierFor,
  isProviderType,
  PROVIDER_TYPES,
  type ProviderType,
} from './registry';
export type {
  ObservedEvent,
  PreparedRequest,
  PrepareRequestInput,
  ProviderAdapter,
  ResponseUsage,
  StreamObserver,
  StreamObserverOptions,
  StreamOutcome,
} from './provider-adapter';

export { decodeSseStream, SseDecodeError, SseDecoder, type SseDecoderOptions } from './sse/sse-decoder';
export {
  encodeSseData,
  encodeSseDone,
  encodeSseError,
  encodeSseEvent,
  type SseErrorBody,
} from './sse/sse-encoder';
export { isDoneEvent, SSE_DONE, type SseEvent } from './sse/sse-event';

export {
  applyModelMapping,
  parseChatCompletionRequest,
  parseCompletionRequest,
  parseEmbeddingRequest,
  parseOpenAiRequest,
  withUsageRequested,
  type ChatCompletionBody,
  type ChatCompletionRequest,
  type CompletionBody,
  type CompletionRequest,
  type EmbeddingBody,
  type EmbeddingRequest,
  type OpenAiEndpoint,
  type OpenAiRequest,
  type PromptInput,
} from './openai/request';
export type { ChatContentPart, ChatMessage, ChatRole, ChatToolCall } from './openai/chat-messages';
export type { ChatTool, ChatToolChoice, ResponseFormat } from './openai/chat-tools';
export { countResponseCompletion, extractResponseUsage, responseUsage } from './openai/response';
export { OpenAiStreamObserver } from './openai/stream';
export { openAiAdapter } from './openai/openai-adapter';
export {
  openAiErrorBody,
  openAiErrorType,
  type OpenAiErrorBody,
  type OpenAiErrorInput,
} from './openai/error-body';

export { RequestValidationError } from './validation/request-validation-error';
export {
  CompletionTokenCounter,
  countChatPromptTokens,
  countPromptInputTokens,
  countTextTokens,
} from './usage/token-counter';
export type { Usage, UsageSource } from './usage/usage';

// Upstream errors: the one reading of them the relay and the channels' probes share.
export { maskSecret, maskSecrets } from './errors/mask-secrets';
export {
  classifyUpstreamError,
  type UpstreamErrorClassifier,
  type UpstreamErrorResponse,
  type UpstreamVerdict,
  type UpstreamVerdictKind,
} from './errors/classify-upstream-error';
export type { UpstreamError } from './errors/upstream-error';
export { classifyUpstreamFailure, type UpstreamFailure } from './errors/upstream-failure';
export { readBoundedBody, type BoundedBody, type ByteSource } from './http/read-bounded-body';
export type { HttpHeaders } from './http/http-headers';

// The canonical model every wire format translates to and from (issue #13 builds the codecs).
export type {
  CanonicalCodec,
  CanonicalFinishReason,
  CanonicalImage,
  CanonicalMessage,
  CanonicalPart,
  CanonicalReasoning,
  CanonicalRequest,
  CanonicalResponse,
  CanonicalResponseFormat,
  CanonicalStreamDecoder,
  CanonicalStreamEncoder,
  CanonicalStreamEvent,
  CanonicalText,
  CanonicalThinking,
  CanonicalTool,
  CanonicalToolCall,
  CanonicalToolChoice,
  CanonicalToolResult,
  CanonicalUsage,
  UpstreamCall,
  UpstreamTarget,
} from './canonical/canonical-model';

// OpenAI chat completions, Responses (ingress only) and Azure OpenAI codecs (issue #13).
export { openAiChatCodec } from './openai/chat-codec';
export { UpstreamFormatError } from './openai/chat-canonical-response';
export { NotAnUpstreamFormatError, openAiResponsesCodec } from './openai-responses/responses-codec';
export {
  AZURE_DEFAULT_API_VERSION,
  azureOpenAiCodec,
  classifyAzureOpenAiError,
} from './azure-openai/azure-codec';
export { buildAzureProbeRequest } from './azure-openai/probe';
