// A chat as the playground keeps it, whatever ingress format carries it.
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatUsage {
  promptTokens: number;
  cachedTokens: number;
  /** Prompt tokens written to the provider's cache, where the format reports them (Anthropic's). */
  cacheWriteTokens?: number;
  completionTokens: number;
  /** The reasoning part of completionTokens (billed at the model's reasoning rate, if it has one). */
  reasoningTokens: number;
}
