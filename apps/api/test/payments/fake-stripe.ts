// A local Stripe for the suites, built from Stripe's documented API: `POST /v1/checkout/sessions`
// (form-encoded, `Authorization: Bearer <secret key>`, `Idempotency-Key`) answers a
// `checkout.session` object; "paying" a session makes the `checkout.session.*` events Stripe
// would send (the paid session naming its payment intent), refunds and disputes of that payment make
// the `refund.*` and `charge.dispute.*` events, and `deliver` posts one to a webhook URL signed the
// way Stripe signs (the official package's generateTestHeaderString with the endpoint's whsec_ secret).
import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export interface FakeSession {
  id: string;
  object: 'checkout.session';
  mode: string;
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  amount_total: number;
  currency: string;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  success_url: string;
  cancel_url: string;
  expires_at: number;
  url: string;
  /** The payment intent, once the session is paid (Checkout makes one for it). */
  payment_intent: string | null;
}

/** What a refund or dispute event's object says, beyond its payment's ids and currency. */
export interface FakeReversal {
  /** re_… or dp_…; a new one by default. */
  id?: string;
  /** Minor units. */
  amount: number;
  /** A refund's: succeeded (default), pending, failed; a dispute's: needs_response (default), won, lost, … */
  status?: string;
  /** Another payment intent than the session's (an unknown charge), or null for none. */
  payment_intent?: string | null;
  currency?: string;
}

export interface FakeStripe {
  /** http://127.0.0.1:PORT, for STRIPE_API_URL. */
  url: string;
  secretKey: string;
  sessions: Map<string, FakeSession>;
  /** Every API request's form body, as Stripe would have received it. */
  requests: { path: string; form: Record<string, string>; idempotencyKey: string | undefined }[];
  /** The event Stripe sends when the session is paid (or `type` for the others). */
  event(sessionId: string, type?: string, over?: Partial<FakeSession>): Stripe.Event;
  /** `refund.created` (or `type`) for a refund of the session's payment; the session must be paid. */
  refundEvent(sessionId: string, refund: FakeReversal, type?: string): Stripe.Event;
  /** `charge.dispute.created` (or `type`) for a dispute of the session's payment. */
  disputeEvent(sessionId: string, dispute: FakeReversal, type?: string): Stripe.Event;
  /** POSTs `event` to `webhookUrl` signed with `secret` (timestamp in seconds, default now). */
  deliver(
    webhookUrl: string,
    event: Stripe.Event,
    secret: string,
    timestamp?: number,
  ): Promise<{ status: number; body: unknown }>;
  /** POSTs `payload` as it is (JSON or not) to `webhookUrl`, signed with `secret`. */
  deliverRaw(webhookUrl: string, payload: string, secret: string): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

const signer = new Stripe('sk_test_signer', { telemetry: false });

function stripeError(res: ServerResponse, status: number, type: string, message: string, param?: string) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { type, message, ...(param ? { param } : {}) } }));
}

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const secretKey = `sk_test_${randomBytes(12).toString('hex')}`;
  const sessions = new Map<string, FakeSession>();
  const byIdempotencyKey = new Map<string, FakeSession>();
  const requests: FakeStripe['requests'] = [];
  let url = '';

  const server: Server = createServer((req, res) => {
    // The hosted Checkout page the customer's browser is sent to.
    if (req.method === 'GET' && req.url?.startsWith('/c/pay/')) {
      const session = sessions.get(req.url.slice('/c/pay/'.length));
      res.writeHead(session ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(session ? `<p>Pay ${session.amount_total} ${session.currency}</p>` : 'no such session');
      return;
    }
    void (async () => {
      const form = await readForm(req);
      const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
      requests.push({ path: req.url ?? '', form, idempotencyKey });
      if (req.headers.authorization !== `Bearer ${secretKey}`) {
        return stripeError(res, 401, 'invalid_request_error', 'Invalid API Key provided');
      }
      // Listing Checkout sessions by the payment intent they were paid with (Stripe's
      // GET /v1/checkout/sessions?payment_intent=…).
      if (req.method === 'GET' && req.url?.startsWith('/v1/checkout/sessions?')) {
        const query = new URL(req.url, url).searchParams;
        const paymentIntent = query.get('payment_intent');
        const data = [...sessions.values()].filter(
          (session) => paymentIntent === null || session.payment_intent === paymentIntent,
        );
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(
          JSON.stringify({ object: 'list', data, has_more: false, url: '/v1/checkout/sessions' }),
        );
      }
      if (req.method !== 'POST' || req.url !== '/v1/checkout/sessions') {
        return stripeError(res, 404, 'invalid_request_error', `Unrecognized request URL (${req.url})`);
      }
      const replay = idempotencyKey ? byIdempotencyKey.get(idempotencyKey) : undefined;
      if (replay) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(replay));
      }
      const amount = Number(form['line_items[0][price_data][unit_amount]']);
      const currency = form['line_items[0][price_data][currency]'];
      if (form['mode'] !== 'payment') return stripeError(res, 400, 'invalid_request_error', 'mode', 'mode');
      if (!Number.isInteger(amount) || amount < 1 || !currency) {
        return stripeError(res, 400, 'invalid_request_error', 'Invalid line_items', 'line_items');
      }
      // Stripe's documented minimum charge for USD.
      if (currency === 'usd' && amount < 50) {
        return stripeError(
          res,
          400,
          'invalid_request_error',
          'The Checkout Session’s total amount due must add up to at least $0.50 usd',
        );
      }
      if (!form['success_url'] || !form['cancel_url']) {
        return stripeError(res, 400, 'invalid_request_error', 'Missing success_url', 'success_url');
      }
      const id = `cs_test_${randomBytes(12).toString('hex')}`;
      const metadata = Object.fromEntries(
        Object.entries(form)
          .filter(([key]) => key.startsWith('metadata['))
          .map(([key, value]) => [key.slice('metadata['.length, -1), value]),
      );
      const session: FakeSession = {
        id,
        object: 'checkout.session',
        mode: 'payment',
        status: 'open',
        payment_status: 'unpaid',
        amount_total: amount * Number(form['line_items[0][quantity]'] ?? '1'),
        currency,
        client_reference_id: form['client_reference_id'] ?? null,
        metadata,
        success_url: form['success_url'],
        cancel_url: form['cancel_url'],
        expires_at: Number(form['expires_at'] ?? Math.floor(Date.now() / 1000) + 86_400),
        url: `${url}/c/pay/${id}`,
        payment_intent: null,
      };
      sessions.set(id, session);
      if (idempotencyKey) byIdempotencyKey.set(idempotencyKey, session);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(session));
    })().catch(() => stripeError(res, 500, 'api_error', 'fake Stripe failed'));
  });
  // A refund's or dispute's object: its id, the paid session's payment intent and charge.
  function reversalOf(sessionId: string, prefix: string, over: FakeReversal): Record<string, unknown> {
    const session = sessions.get(sessionId);
    if (!session?.payment_intent) throw new Error(`session ${sessionId} is not paid`);
    const { id, ...rest } = over;
    return {
      id: id ?? `${prefix}_${randomBytes(12).toString('hex')}`,
      currency: session.currency,
      charge: `ch_${session.payment_intent.slice(3)}`,
      payment_intent: session.payment_intent,
      created: Math.floor(Date.now() / 1000),
      ...Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)),
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    secretKey,
    sessions,
    requests,
    event(sessionId, type = 'checkout.session.completed', over = {}) {
      const session = sessions.get(sessionId);
      if (!session) throw new Error(`no session ${sessionId}`);
      const paid =
        type === 'checkout.session.completed' || type === 'checkout.session.async_payment_succeeded';
      if (paid) session.payment_intent ??= `pi_${randomBytes(12).toString('hex')}`;
      const object = {
        ...session,
        status: type === 'checkout.session.expired' ? 'expired' : paid ? 'complete' : session.status,
        payment_status: paid ? 'paid' : 'unpaid',
        url: null,
        ...over,
      };
      return envelope(type, object);
    },
    refundEvent(sessionId, refund, type = 'refund.created') {
      return envelope(type, {
        object: 'refund',
        status: 'succeeded',
        reason: 'requested_by_customer',
        ...reversalOf(sessionId, 're', refund),
      });
    },
    disputeEvent(sessionId, dispute, type = 'charge.dispute.created') {
      return envelope(type, {
        object: 'dispute',
        status: 'needs_response',
        reason: 'fraudulent',
        ...reversalOf(sessionId, 'dp', dispute),
      });
    },
    deliver(webhookUrl, event, secret, timestamp) {
      return signedPost(webhookUrl, JSON.stringify(event), secret, timestamp);
    },
    deliverRaw: (webhookUrl, payload, secret) => signedPost(webhookUrl, payload, secret),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function envelope(type: string, object: Record<string, unknown>): Stripe.Event {
  return {
    id: `evt_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: '2026-11-18.endive',
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  } as unknown as Stripe.Event;
}

async function signedPost(
  webhookUrl: string,
  payload: string,
  secret: string,
  timestamp?: number,
): Promise<{ status: number; body: unknown }> {
  const header = signer.webhooks.generateTestHeaderString({ payload, secret, timestamp });
  const res = await fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header },
    body: payload,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}
