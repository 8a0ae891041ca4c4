import { chatCompletions } from '../chat-completions';
import { embeddings } from '../embeddings';
import { HttpError } from '../http-error';
import type { Endpoint } from '../mock-response';

/**
 * `POST /openai/deployments/{deployment}/chat/completions?api-version=…`: Azure OpenAI's route to
 * the chat completions behaviour, the deployment standing for the model (a body `model` is ignored).
 */
export function azureChatCompletions(deployment: string): Endpoint {
  return azureDeployment(deployment, chatCompletions);
}

/** `POST /openai/deployments/{deployment}/embeddings?api-version=…`: the embeddings behaviour, likewise. */
export function azureEmbeddings(deployment: string): Endpoint {
  return azureDeployment(deployment, embeddings);
}

function azureDeployment(deployment: string, endpoint: Endpoint): Endpoint {
  return (input) => {
    if (!input.query.get('api-version')) {
      throw new HttpError(
        404,
        'Resource not found (the api-version query parameter is required).',
        'invalid_request_error',
        'api-version',
        '404',
      );
    }
    return endpoint({ ...input, body: { ...input.body, model: deployment } });
  };
}
