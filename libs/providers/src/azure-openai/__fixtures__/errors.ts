// Azure OpenAI error answers as its documentation and SDKs show them (status, body).
export const AZURE_ERRORS = {
  rateLimited: {
    status: 429,
    headers: { 'retry-after': '7' },
    body: '{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 7 seconds."}}',
  },
  badKey: {
    status: 401,
    headers: {},
    body: '{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}',
  },
  deploymentNotFound: {
    status: 404,
    headers: {},
    body: '{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."}}',
  },
  promptFiltered: {
    status: 400,
    headers: {},
    body: '{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI\'s content management policy.","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":false,"severity":"safe"},"jailbreak":{"filtered":true,"detected":true},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}}}}',
  },
  serverError: {
    status: 500,
    headers: {},
    body: '{"error":{"code":"InternalServerError","message":"The service is temporarily unable to process your request. Please try again later."}}',
  },
} as const;

/** A non-stream answer whose completion was filtered: content null, `content_filter` finish. */
export const AZURE_FILTERED_COMPLETION = {
  choices: [
    {
      content_filter_results: { violence: { filtered: true, severity: 'medium' } },
      finish_reason: 'content_filter',
      index: 0,
      logprobs: null,
      message: { content: null, refusal: null, role: 'assistant' },
    },
  ],
  created: 1741570283,
  id: 'chatcmpl-AzureF1',
  model: 'gpt-4o-2024-11-20',
  object: 'chat.completion',
  prompt_filter_results: [
    { prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: 'safe' } } },
  ],
  system_fingerprint: 'fp_ee1d74bde0',
  usage: {
    completion_tokens: 9,
    completion_tokens_details: { reasoning_tokens: 0 },
    prompt_tokens: 21,
    prompt_tokens_details: { cached_tokens: 0 },
    total_tokens: 30,
  },
};
