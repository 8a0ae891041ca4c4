// The provider layer: pure wire-format code the relay builds on (no Nest, no database).
export {
  adapterFor,
  errorClassifierFor,
  isProviderType,
  PROVIDER_TYPES,
  type ProviderType,
} from './registry';
export { bindOpenAiRequest } from './provider-adapter';
export { ingressAttempt, type IngressRequest } from './translation/ingress-attempt';
export type {
  AttemptAdapter,
  ObservedEvent,
  PreparedRequest,
  PrepareRequestInput,
  ProviderAdapter,
  ResponseUsage,
  StreamObserver,
  StreamObserverOptions,
  StreamOutcome,
  TranslatedResponse,
  UpstreamCallInput,
} from './provider-adapter';

export {
  decodeSseStream,
  SseDecodeError,
  SseDecoder,
  SseReader,
  type SseDecoderOptions,
} from './sse/sse-decoder';
export {
  encodeSseData,
  encodeSseDone,
  encodeSseError,
  encodeSseEvent,
  sseEventText,
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
  OUTPUT_TOKENS_FIELDS,
  outputTokensField,
  type OutputTokensField,
} from './openai/output-tokens-field';
export {
  openAiErrorBody,
  openAiErrorType,
  type OpenAiErrorBody,
  type OpenAiErrorInput,
} from './openai/error-body';

export { RequestValidationError } from './validation/request-validation-error';
export {
  CompletionTokenCounter,
  countCanonicalPromptTokens,
  countChatPromptTokens,
  countPromptInputTokens,
  countTextTokens,
  tokenizerLoaded,
} from './usage/token-counter';
export {
  AUDIO_MIN_BYTES_PER_SECOND,
  AUDIO_TOKENS_PER_SECOND,
  canonicalPromptTokensBound,
  chatPromptTokensBound,
  IMAGE_PART_TOKENS,
  promptInputTokensBound,
  textTokensBound,
  predictionTokensBound,
} from './usage/prompt-bound';
export { promptCountOf } from './usage/usage';
export type { PromptCount, Usage, UsageSource } from './usage/usage';

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
export { isContextLengthError } from './errors/error-meaning';
export { classifyUpstreamFailure, type UpstreamFailure } from './errors/upstream-failure';
export { readBoundedBody, type BoundedBody, type ByteSource } from './http/read-bounded-body';
export { JsonSkeleton, SKELETON_MEMBER_LIMIT } from './json/json-skeleton';
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
  IngressContext,
  UpstreamCall,
  UpstreamTarget,
} from './canonical/canonical-model';

// Anthropic Messages: the /v1/messages ingress and the Anthropic upstream (issue #13).
export { anthropicCodec } from './anthropic/anthropic-codec';
export {
  anthropicHeaders,
  anthropicUrl,
  buildAnthropicRequest,
  DEFAULT_ANTHROPIC_VERSION,
  parseAnthropicRequest,
} from './anthropic/request';
export { decodeAnthropicResponse, encodeAnthropicResponse } from './anthropic/response';
export { AnthropicStreamDecoder, AnthropicStreamEncoder, anthropicPingEvent } from './anthropic/stream';
export {
  anthropicErrorBody,
  anthropicErrorType,
  anthropicStreamErrorEvent,
  classifyAnthropicError,
  type AnthropicErrorBody,
} from './anthropic/error';
export { buildAnthropicProbe, type AnthropicProbeCall } from './anthropic/probe';

// Gemini generateContent (issue #13): the codec, its ingress helpers, error classification and probe.
export { geminiCodec } from './gemini/gemini-codec';
export {
  buildGeminiRequest,
  buildGeminiRequestBody,
  geminiModelUrl,
  parseGeminiRequest,
} from './gemini/request';
export { decodeGeminiResponse, encodeGeminiResponse } from './gemini/response';
export { GeminiStreamDecoder, GeminiStreamEncoder } from './gemini/stream';
export {
  classifyGeminiError,
  GeminiPromptBlockedError,
  geminiErrorBody,
  googleRpcStatus,
  PROMPT_BLOCKED_CODE,
  type GeminiErrorBody,
  type GeminiErrorInput,
} from './gemini/error';
export { buildGeminiProbeRequest, type GeminiProbeRequest } from './gemini/probe';

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

// OpenAI's media routes (images, audio, moderations) and rerank, relayed to OpenAI-compatible channels.
export { MEDIA_PATHS, MULTIPART_MEDIA_ENDPOINTS, type MediaEndpoint } from './openai-media/media-endpoint';
export {
  characterCount,
  DEFAULT_MODERATION_MODEL,
  parseJsonMediaRequest,
  parseMultipartMediaRequest,
  type JsonMediaRequest,
  type MediaRequest,
  type MediaWorstCase,
  type MultipartMediaRequest,
  type UploadedFile,
} from './openai-media/media-request';
export {
  mediaEventUsage,
  mediaEventError,
  mediaJsonUsage,
  subtitleSeconds,
  type MediaAnswerUsage,
} from './openai-media/media-usage';
export { multipartBody, type MultipartBody, type MultipartFilePart } from './openai-media/multipart-body';
export { prepareMediaCall, type MediaCall } from './openai-media/media-call';
export { wavSeconds, WAV_HEADER_BYTES } from './openai-media/wav-duration';
