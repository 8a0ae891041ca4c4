// POST /v1/rerank as vLLM (and Jina) answer it: results sorted by relevance, each with its index and
// (unless return_documents is false) its document; `usage.total_tokens` counts query and documents.
import { HttpError } from '../http-error';
import type { Endpoint } from '../mock-response';
import { usageOf } from '../mock-response';
import { isJsonObject, optionalInteger, requireString } from '../request-fields';
import { countTokens } from '../token-count';

export const rerank: Endpoint = (input) => {
  const { body } = input;
  const model = requireString(body, 'model');
  const query = requireString(body, 'query');
  const documents = body['documents'];
  if (!Array.isArray(documents) || documents.length === 0) {
    throw HttpError.invalidRequest("Invalid 'documents': expected a non-empty array.", 'documents');
  }
  const texts = documents.map((d) =>
    typeof d === 'string' ? d : isJsonObject(d) && typeof d['text'] === 'string' ? d['text'] : '',
  );
  const topN = optionalInteger(body, 'top_n', 1, 10_000) ?? texts.length;
  const words = new Set(query.toLowerCase().split(/\W+/).filter(Boolean));
  const scored = texts.map((text, index) => {
    const hits = text
      .toLowerCase()
      .split(/\W+/)
      .filter((w) => words.has(w)).length;
    return { index, text, relevance_score: Math.round((hits / (hits + 1)) * 1e6) / 1e6 };
  });
  scored.sort((a, b) => b.relevance_score - a.relevance_score || a.index - b.index);
  const totalTokens = countTokens(query) + texts.reduce((sum, text) => sum + countTokens(text), 0);
  const returnDocuments = body['return_documents'] !== false;
  return {
    kind: 'json',
    body: {
      id: `rerank-mock-${input.seq}`,
      model,
      ...(input.behaviour.usage ? { usage: { total_tokens: totalTokens } } : {}),
      results: scored.slice(0, topN).map((r) => ({
        index: r.index,
        ...(returnDocuments ? { document: { text: r.text } } : {}),
        relevance_score: r.relevance_score,
      })),
    },
    usage: usageOf(totalTokens, 0),
  };
};
