// OpenAI's routes beyond chat and embeddings: images, audio, moderations, and the rerank route that
// OpenAI-compatible servers (vLLM, Jina, Cohere-style) expose. Relayed as OpenAI's wire format.

export type MediaEndpoint =
  | 'images.generations'
  | 'images.edits'
  | 'audio.transcriptions'
  | 'audio.translations'
  | 'audio.speech'
  | 'moderations'
  | 'rerank';

/** The path after a channel's base URL (which carries the version segment, `…/v1`). */
export const MEDIA_PATHS: Readonly<Record<MediaEndpoint, string>> = {
  'images.generations': '/images/generations',
  'images.edits': '/images/edits',
  'audio.transcriptions': '/audio/transcriptions',
  'audio.translations': '/audio/translations',
  'audio.speech': '/audio/speech',
  moderations: '/moderations',
  rerank: '/rerank',
};

/** The routes whose request is a multipart upload (a file and text fields). */
export const MULTIPART_MEDIA_ENDPOINTS: readonly MediaEndpoint[] = [
  'images.edits',
  'audio.transcriptions',
  'audio.translations',
];
