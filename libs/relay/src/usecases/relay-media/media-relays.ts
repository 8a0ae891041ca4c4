// Turns a media route's request (images, audio, moderations, rerank) into what the relay's failover
// loop routes: the model, the worst case its hold covers in the route's unit, the channels that can
// serve it, and its own attempt (usecases/relay-request runs it like any other).
import { Inject, Injectable } from '@nestjs/common';
import type { MeteredUsage } from '@gateway/billing';
import { APP_CONFIG, type AppConfig } from '@gateway/config';
import {
  AUDIO_MIN_BYTES_PER_SECOND,
  AUDIO_TOKENS_PER_SECOND,
  textTokensBound,
  parseJsonMediaRequest,
  parseMultipartMediaRequest,
  type MediaEndpoint,
  type MediaRequest,
  type MultipartFilePart,
} from '@gateway/providers';
import type { RequestEstimate } from '../../relay/request-estimate';
import type { Relayed } from '../relay-request/relayed';
import { MediaAttemptRunner } from './media-attempt-runner';
import type { MediaIngress } from './media-ingress';
import { MultipartUpload, type UploadSource } from './multipart-upload';

/**
 * Per-route upload limits: OpenAI's 25 MB for audio, and room for several images (and a mask) on
 * images/edits.
 */
export const UPLOAD_LIMITS: Readonly<Record<'audio' | 'images', number>> = {
  audio: 25 * 1024 * 1024,
  images: 64 * 1024 * 1024,
};

/** The most tokens one image may take, in or out (gpt-image-1's largest is about 6,200). */
const IMAGE_TOKENS_CEILING = 8192;

/** A media ingress that must also clean up after itself (an upload's stored files). */
export interface DisposableMediaIngress extends MediaIngress {
  dispose(): Promise<void>;
}

@Injectable()
export class MediaRelays {
  constructor(
    private readonly runner: MediaAttemptRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A JSON route (images/generations, audio/speech, moderations, rerank). */
  json(endpoint: MediaEndpoint, body: unknown): MediaIngress {
    return { relayed: async () => this.relayed(parseJsonMediaRequest(endpoint, body), []) };
  }

  /** A multipart route (images/edits, audio/transcriptions and /translations): the upload is read when relayed. */
  upload(endpoint: MediaEndpoint, source: UploadSource, limitBytes: number): DisposableMediaIngress {
    const fileField = endpoint === 'images.edits' ? 'image' : 'file';
    const upload = new MultipartUpload(source, { fileBytes: limitBytes, fileField });
    return {
      relayed: async () => {
        const stored = await upload.read();
        const request = parseMultipartMediaRequest(endpoint, stored.fields, stored.files);
        return this.relayed(request, upload.parts(request.files));
      },
      dispose: () => upload.dispose(),
    };
  }

  private relayed(request: MediaRequest, files: readonly MultipartFilePart[]): Relayed {
    const worst = this.worstOf(request);
    const promptTokens = worst.kind === 'tokens' ? worst.tokens.promptTokens : 0;
    const estimate: RequestEstimate = {
      promptTokens,
      // A media route counts its own fallback (media-attempt-runner.ts): the relay never bills this.
      countPrompt: () => promptTokens,
      estimatedTokens: promptTokens,
      completionCeiling: 0,
      heldOutputTokens: 0,
    };
    const plan = { request, files, worst };
    return {
      model: request.model,
      stream: request.stream,
      estimate,
      worst,
      servedBy: (adapter) => adapter.mediaEndpoints?.includes(request.endpoint) ?? false,
      run: (adapter, input) => this.runner.run(adapter, input, plan),
    };
  }

  /** The most the request may use, in every unit its price may bill it in. */
  private worstOf(request: MediaRequest): MeteredUsage {
    const worst = request.worst;
    switch (worst.kind) {
      case 'images': {
        const prompt = request.kind === 'json' ? request.body['prompt'] : fieldOf(request, 'prompt');
        const inputImages = request.kind === 'multipart' ? request.files.length : 0;
        return {
          ...worst,
          tokens: {
            promptTokens: countText(prompt) + inputImages * IMAGE_TOKENS_CEILING,
            cachedTokens: 0,
            completionTokens: worst.count * IMAGE_TOKENS_CEILING,
          },
        };
      }
      case 'audio': {
        // An upload whose duration cannot be read cheaply is held at the lowest bit rate assumed
        // for audio (the same bound as a chat request's audio part).
        const seconds = Math.ceil(worst.seconds ?? worst.bytes / AUDIO_MIN_BYTES_PER_SECOND);
        return {
          kind: 'audio',
          seconds,
          tokens: {
            promptTokens: seconds * AUDIO_TOKENS_PER_SECOND + countText(fieldOf(request, 'prompt')),
            cachedTokens: 0,
            completionTokens: this.config.BILLING_DEFAULT_MAX_TOKENS,
          },
        };
      }
      case 'speech':
        return { kind: 'speech', characters: worst.characters, tokens: null };
      case 'text': {
        // Servers count with their own tokenizers and templates: the hold leaves room for that.
        const counted = worst.texts.reduce((sum, text) => sum + countText(text), 0);
        return {
          kind: 'tokens',
          tokens: {
            promptTokens: counted * 2 + 64 * worst.texts.length,
            cachedTokens: 0,
            completionTokens: 0,
          },
        };
      }
    }
  }
}

function fieldOf(request: MediaRequest, name: string): string | undefined {
  return request.kind === 'multipart' ? request.fields.find(([field]) => field === name)?.[1] : undefined;
}

/** A text's tokens at most, from its size: holds need no tokenizer (issue #16). */
function countText(value: unknown): number {
  return typeof value === 'string' ? textTokensBound(value) : 0;
}
