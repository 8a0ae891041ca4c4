import { requestHash } from './request-fingerprint';

describe('requestHash', () => {
  const post = (originalUrl: string, body: unknown) => requestHash({ method: 'POST', originalUrl, body });

  it('is the same for the same JSON value whatever its keys’ order', () => {
    expect(post('/api/x', { a: '1', b: { c: [1, { d: 2, e: 3 }] } })).toBe(
      post('/api/x', { b: { c: [1, { e: 3, d: 2 }] }, a: '1' }),
    );
  });

  it('differs for another value, path or method', () => {
    const base = post('/api/tenants/1/topups', { amountUsd: '10' });
    expect(post('/api/tenants/1/topups', { amountUsd: '11' })).not.toBe(base);
    expect(post('/api/tenants/2/topups', { amountUsd: '10' })).not.toBe(base);
    expect(post('/api/tenants/1/topups', { amountUsd: 10 })).not.toBe(base);
    expect(post('/api/tenants/1/topups', [{ amountUsd: '10' }])).not.toBe(base);
    expect(
      requestHash({ method: 'PUT', originalUrl: '/api/tenants/1/topups', body: { amountUsd: '10' } }),
    ).not.toBe(base);
  });
});
