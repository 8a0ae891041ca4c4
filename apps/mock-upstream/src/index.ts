export { startMockUpstream, type MockUpstream, type MockUpstreamOptions } from './mock-upstream';
export type { RecordedRequest } from './recorded-request';
export type { Usage } from './mock-response';
export { parseBehaviour, BehaviourError, DEFAULT_BEHAVIOUR, type MockBehaviour } from './behaviour';
export {
  countTokens,
  countChatPromptTokens,
  countPromptTokens,
  countAnthropicPromptTokens,
  countGeminiPromptTokens,
  TOKENS_PER_MESSAGE,
} from './token-count';
export { mockCompletionText, mockToolArguments, thinkingText, tokenPiece } from './generated-text';
export { embeddingVector, DEFAULT_EMBEDDING_DIMENSIONS } from './embedding-vector';
export { MOCK_MODELS } from './models';
export { MOCK_ANTHROPIC_MODELS } from './anthropic/anthropic-models';
export { MOCK_GEMINI_MODELS } from './gemini/gemini-models';
