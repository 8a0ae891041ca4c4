// Every domain's errors through the api's one mapping: the table's status, code and message in the
// /api shape and in OpenAI's on /v1, never the bare 500 of an unexpected error.
import { Logger } from '@nestjs/common';
import { AuditError, AuditErrorCode } from '@gateway/audit';
import { BillingError, BillingErrorCode } from '@gateway/billing';
import { ChannelsError, ChannelsErrorCode } from '@gateway/channels';
import type { DomainError } from '@gateway/common';
import { IdentityError, IdentityErrorCode, LoginRateLimitedError } from '@gateway/identity';
import { InvoiceError, InvoiceErrorCode } from '@gateway/invoices';
import { RelayError, RelayErrorCode } from '@gateway/relay';
import { SettingsError, SettingsErrorCode } from '@gateway/settings';
import { TokensError, TokensErrorCode } from '@gateway/tokens';
import { UsageError, UsageErrorCode } from '@gateway/usage';
import express from 'express';
import request from 'supertest';
import { errorFacts } from './error-facts';
import { sendError } from './surface-exception.filter';

const logger = new Logger('surface-exception.filter.spec');
jest.spyOn(logger, 'error').mockImplementation(() => undefined);

function answering(error: unknown) {
  const app = express();
  app.get(['/api/x', '/v1/x'], (req, res) => sendError(error, req, res, logger));
  return request(app);
}

/** Every code of every domain, as its own error class makes it with no message of the thrower's. */
const EVERY_DOMAIN_ERROR: DomainError[] = [
  ...Object.values(AuditErrorCode).map((code) => new AuditError(code)),
  ...Object.values(BillingErrorCode).map((code) => new BillingError(code)),
  ...Object.values(ChannelsErrorCode).map((code) => new ChannelsError(code)),
  ...Object.values(IdentityErrorCode).map((code) => new IdentityError(code)),
  ...Object.values(InvoiceErrorCode).map((code) => new InvoiceError(code)),
  ...Object.values(RelayErrorCode).map((code) => new RelayError(code)),
  ...Object.values(SettingsErrorCode).map((code) => new SettingsError(code)),
  ...Object.values(TokensErrorCode).map((code) => new TokensError(code)),
  ...Object.values(UsageErrorCode).map((code) => new UsageError(code)),
];

// The only deliberate 500s: an operator's keyring problem and the relay's own failure.
/** A stored secret the configured keys cannot open is the operator's misconfiguration, not the client's. */
const DELIBERATE_500 = new Set<string>([
  ChannelsErrorCode.KeyUndecryptable,
  SettingsErrorCode.SecretUndecryptable,
  RelayErrorCode.Internal,
]);

describe('the api’s error mapping', () => {
  it.each(EVERY_DOMAIN_ERROR.map((error) => [`${error.name} ${error.code}`, error]))(
    '%s keeps its table status, code and message on both surfaces',
    (_name, error) => {
      for (const surface of ['api', 'openai'] as const) {
        expect(errorFacts(error, surface)).toMatchObject({
          status: error.status,
          code: error.code,
          message: error.message,
        });
      }
      expect(error.status).toBeGreaterThanOrEqual(400);
      if (!DELIBERATE_500.has(error.code)) expect(error.status).not.toBe(500);
    },
  );

  it.each([
    [new BillingError(BillingErrorCode.RedemptionCodeExpired), 410, 'this redemption code has expired'],
    [new IdentityError(IdentityErrorCode.LastOwner), 409, 'a tenant must keep at least one active owner'],
    [
      new InvoiceError(InvoiceErrorCode.PdfPending),
      409,
      'the PDF is still being rendered; try again shortly',
    ],
    [new TokensError(TokensErrorCode.NotFound), 404, 'token not found'],
    [new UsageError(UsageErrorCode.InvalidRange), 400, 'to must be after from'],
    [new AuditError(AuditErrorCode.InvalidRange), 400, 'from must not be after to'],
    [new ChannelsError(ChannelsErrorCode.NoEnabledKey), 409, 'the channel has no enabled key'],
  ])('/api answers %p with its status, code and message', async (error, status, message) => {
    const res = await answering(error).get('/api/x').expect(status);
    expect(res.body).toEqual({ statusCode: status, code: error.code, message });
  });

  it('/api names the fields at fault in errors[]', async () => {
    const error = new InvoiceError(InvoiceErrorCode.CreditExceedsInvoice, 'at most 5.00', {
      field: 'amountUsd',
    });
    const res = await answering(error).get('/api/x').expect(400);
    expect(res.body).toEqual({
      statusCode: 400,
      code: 'credit_exceeds_invoice',
      message: 'at most 5.00',
      errors: [{ field: 'amountUsd', messages: ['at most 5.00'] }],
    });
  });

  it('/api sends Retry-After for a login rate limit', async () => {
    const res = await answering(new LoginRateLimitedError(7)).get('/api/x').expect(429);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.body).toMatchObject({ code: 'rate_limited', message: 'too many failed logins; retry in 7 s' });
  });

  it('/v1 speaks OpenAI’s shape: 402 is insufficient_quota, 404 an invalid_request_error', async () => {
    const quota = await answering(new RelayError(RelayErrorCode.InsufficientQuota, 'spent'))
      .get('/v1/x')
      .expect(402);
    expect(quota.body).toEqual({
      error: { message: 'spent', type: 'insufficient_quota', code: 'insufficient_quota', param: null },
    });
    const missing = await answering(
      new RelayError(RelayErrorCode.ModelNotFound, 'no model', { param: 'model' }),
    )
      .get('/v1/x')
      .expect(404);
    expect(missing.body).toEqual({
      error: { message: 'no model', type: 'invalid_request_error', code: 'model_not_found', param: 'model' },
    });
  });

  it('/v1 names the first field at fault as param', async () => {
    const error = new SettingsError(SettingsErrorCode.ValidationFailed, 'too low', {
      field: 'relayMaxAttempts',
    });
    const res = await answering(error).get('/v1/x').expect(400);
    expect(res.body.error).toEqual({
      message: 'too low',
      type: 'invalid_request_error',
      code: 'validation_failed',
      param: 'relayMaxAttempts',
    });
  });

  it('anything else is a bare 500 that says where to look', async () => {
    const res = await answering(new Error('secret detail')).get('/api/x').expect(500);
    expect(res.body).toEqual({
      statusCode: 500,
      code: 'internal_error',
      message: 'internal error; the request id in x-request-id finds it in the logs',
    });
  });
});
