import { requestHash, requestLine } from './request-fingerprint';

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

describe('a request as Express matched it', () => {
  const id = '3bcd40cc-0fae-41bb-88ff-e6640412f76d';
  const topup = (originalUrl: string, params: Record<string, string>, query: unknown = {}) => ({
    method: 'POST',
    originalUrl,
    baseUrl: '',
    route: { path: '/api/tenants/:id/topups' },
    params,
    query,
    body: { amountUsd: '10' },
  });

  it('is the same request whatever spelling of the route reached it', () => {
    const base = topup(`/api/tenants/${id}/topups`, { id });
    for (const same of [
      topup(`/api/tenants/${id.toUpperCase()}/topups`, { id: id.toUpperCase() }),
      topup(`/api/tenants/${id}/topups/`, { id }),
      topup(`/API/Tenants/${id}/TOPUPS`, { id }),
      topup(`/api/tenants/%33${id.slice(1)}/topups`, { id }),
    ]) {
      expect(requestHash(same)).toBe(requestHash(base));
      expect(requestLine(same)).toBe(`POST /api/tenants/${id}/topups`);
    }
  });

  it('is another request for another id, another non-UUID param case, or another query', () => {
    const base = requestHash(topup(`/api/tenants/${id}/topups`, { id }));
    const other = id.replace(/^3/, '4');
    expect(requestHash(topup(`/api/tenants/${other}/topups`, { id: other }))).not.toBe(base);
    expect(requestHash(topup('/api/tenants/Abc/topups', { id: 'Abc' }))).not.toBe(
      requestHash(topup('/api/tenants/abc/topups', { id: 'abc' })),
    );
    expect(requestHash(topup(`/api/tenants/${id}/topups?a=1`, { id }, { a: '1' }))).not.toBe(base);
    expect(requestHash(topup(`/api/tenants/${id}/topups?a=1&b=2`, { id }, { a: '1', b: '2' }))).toBe(
      requestHash(topup(`/api/tenants/${id}/topups?b=2&a=1`, { id }, { b: '2', a: '1' })),
    );
  });
});
