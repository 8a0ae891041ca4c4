import express from 'express';
import request from 'supertest';
import { DomainError, domainErrorBase, domainErrorCodes, type DomainErrorCodeOf } from './domain-error';
import { domainErrorFacts } from './error-facts';
import { writeErrorResponse } from './write-error-response';

const SHOP_ERRORS = {
  NotFound: { code: 'not_found', status: 404, message: 'no such item' },
  SoldOut: { code: 'sold_out', status: 409, message: 'sold out' },
  TooFast: { code: 'too_fast', status: 429, message: 'slow down' },
} as const;

const ShopErrorCode = domainErrorCodes(SHOP_ERRORS);

class ShopError extends domainErrorBase(SHOP_ERRORS) {}

describe('DomainError', () => {
  it('names each code of the table once, for throwers', () => {
    expect(ShopErrorCode).toEqual({ NotFound: 'not_found', SoldOut: 'sold_out', TooFast: 'too_fast' });
    const code: DomainErrorCodeOf<typeof SHOP_ERRORS> = ShopErrorCode.TooFast;
    expect(new ShopError(code).status).toBe(429);
  });

  it('takes its status and default message from the domain table', () => {
    const error = new ShopError(ShopErrorCode.SoldOut);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'ShopError', code: 'sold_out', status: 409, message: 'sold out' });
    expect(error.fields).toBeUndefined();
  });

  it('keeps the table status when the thrower words the message', () => {
    const error = new ShopError(ShopErrorCode.NotFound, 'no item 42');
    expect(error).toMatchObject({ status: 404, message: 'no item 42' });
  });

  it('turns one field at fault into a field error carrying the message', () => {
    const error = new ShopError(ShopErrorCode.SoldOut, 'only 3 left', { field: 'quantity' });
    expect(error.fields).toEqual([{ field: 'quantity', messages: ['only 3 left'] }]);
  });

  it('keeps several fields as given, and an empty list as none', () => {
    const fields = [
      { field: 'a', messages: ['bad a'] },
      { field: 'b', messages: ['bad b', 'worse b'] },
    ];
    expect(new ShopError(ShopErrorCode.SoldOut, 'bad', { fields }).fields).toEqual(fields);
    expect(new ShopError(ShopErrorCode.SoldOut, 'bad', { fields: [] }).fields).toBeUndefined();
  });
});

describe('domainErrorFacts', () => {
  it('reduces an error to status, code and message, with nothing it does not carry', () => {
    expect(domainErrorFacts(new ShopError(ShopErrorCode.NotFound))).toEqual({
      status: 404,
      code: 'not_found',
      message: 'no such item',
    });
  });

  it('names the first field at fault as OpenAI’s param unless param is given', () => {
    const fields = [
      { field: 'sku', messages: ['unknown'] },
      { field: 'qty', messages: ['too many'] },
    ];
    expect(domainErrorFacts(new ShopError(ShopErrorCode.SoldOut, 'x', { fields }))).toMatchObject({
      fields,
      param: 'sku',
    });
    expect(
      domainErrorFacts(new ShopError(ShopErrorCode.SoldOut, 'x', { fields, param: 'items[1]' })).param,
    ).toBe('items[1]');
    expect(domainErrorFacts(new ShopError(ShopErrorCode.SoldOut, 'x', { param: null })).param).toBeNull();
  });

  it('rounds Retry-After up to whole seconds, never below 1', () => {
    const after = (ms: number) =>
      domainErrorFacts(new ShopError(ShopErrorCode.TooFast, 'x', { retryAfterMs: ms }));
    expect(after(1500).retryAfterSeconds).toBe(2);
    expect(after(3000).retryAfterSeconds).toBe(3);
    expect(after(0).retryAfterSeconds).toBe(1);
    expect(domainErrorFacts(new ShopError(ShopErrorCode.TooFast)).retryAfterSeconds).toBeUndefined();
  });
});

describe('writeErrorResponse', () => {
  const app = express();
  app.get('/plain', (_req, res) => {
    const facts = domainErrorFacts(new ShopError(ShopErrorCode.SoldOut));
    writeErrorResponse(res, facts, { shaped: facts.code });
  });
  app.get('/retry', (_req, res) => {
    const facts = domainErrorFacts(new ShopError(ShopErrorCode.TooFast, 'x', { retryAfterMs: 2500 }));
    writeErrorResponse(res, facts, { shaped: facts.code }, { 'x-extra': 'yes' });
  });
  app.get('/started', (_req, res) => {
    res.status(200).write('partial');
    writeErrorResponse(res, domainErrorFacts(new ShopError(ShopErrorCode.SoldOut)), { shaped: 'never sent' });
  });

  it('sends the status and the shaped body', async () => {
    const res = await request(app).get('/plain').expect(409);
    expect(res.body).toEqual({ shaped: 'sold_out' });
    expect(res.headers['retry-after']).toBeUndefined();
  });

  it('sends Retry-After and the extra headers', async () => {
    const res = await request(app).get('/retry').expect(429);
    expect(res.headers['retry-after']).toBe('3');
    expect(res.headers['x-extra']).toBe('yes');
  });

  it('ends an answer that already started instead of writing a second one', async () => {
    const res = await request(app).get('/started').expect(200);
    expect(res.text).toBe('partial');
  });
});
