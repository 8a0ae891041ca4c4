// What the relay routes, whatever format the client spoke: the chat-like formats and the media routes
// alike (its own file, so that a route's parser and the use case need not import each other).
import type { MeteredUsage } from '@gateway/billing';
import type { AttemptAdapter, ProviderAdapter } from '@gateway/providers';
import type { AttemptInput, AttemptResult } from '../../relay/attempt-runner';
import type { RequestEstimate } from '../../relay/request-estimate';

/** The client's request as the relay routes it, whatever format the client spoke. */
export type Relayed = {
  model: string;
  stream: boolean;
  estimate: RequestEstimate;
  /** Whether a channel can serve it (legacy completions and embeddings exist only in OpenAI's format). */
  servedBy(adapter: ProviderAdapter): boolean;
} & (
  | {
      /** The channel's adapter with this request bound. */
      attempt(adapter: ProviderAdapter): AttemptAdapter;
      run?: undefined;
      worst?: undefined;
    }
  | {
      attempt?: undefined;
      /** A media route's own attempt (multipart uploads, binary answers): usecases/relay-media. */
      run(adapter: ProviderAdapter, input: AttemptInput): Promise<AttemptResult>;
      /** What the hold covers: the most the request may use in its route's unit. */
      worst: MeteredUsage;
    }
);
