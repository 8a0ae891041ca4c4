// A local EPay (易支付) gateway for the suites, built from its documented merchant protocol: the
// customer lands on `/submit.php` with the order signed by the merchant key (MD5 over the sorted
// non-empty parameters, sign and sign_type left out, key appended); once "paid", the gateway calls the
// order's notify_url with the trade signed the same way and expects the body `success`.
import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { epaySign, epayVerify } from '@gateway/payments';

export interface FakeEpayOrder {
  out_trade_no: string;
  type: string;
  money: string;
  name: string;
  notify_url: string;
  return_url: string;
  trade_no: string;
}

export interface FakeEpay {
  /** The gateway URL a super admin configures. */
  url: string;
  pid: string;
  key: string;
  orders: Map<string, FakeEpayOrder>;
  /** Submissions whose sign did not verify. */
  refused: number;
  /** The notify parameters the gateway sends once `outTradeNo` is paid, signed (after `over`). */
  notifyParams(outTradeNo: string, over?: Record<string, string>, signKey?: string): Record<string, string>;
  /** Calls the order's notify_url, GET (EPay's default) or POST as a form. */
  notify(
    outTradeNo: string,
    options?: { over?: Record<string, string>; signKey?: string; method?: 'GET' | 'POST' },
  ): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

export async function startFakeEpay(): Promise<FakeEpay> {
  const pid = String(1000 + Math.floor(Math.random() * 9000));
  const key = randomBytes(16).toString('hex');
  const orders = new Map<string, FakeEpayOrder>();
  const fake = { refused: 0 };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const params = Object.fromEntries(url.searchParams);
    if (url.pathname !== '/submit.php') {
      res.writeHead(404).end('not found');
      return;
    }
    if (params['pid'] !== pid || !epayVerify(params, key)) {
      fake.refused++;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('签名校验失败');
      return;
    }
    const order: FakeEpayOrder = {
      out_trade_no: params['out_trade_no'] ?? '',
      type: params['type'] ?? '',
      money: params['money'] ?? '',
      name: params['name'] ?? '',
      notify_url: params['notify_url'] ?? '',
      return_url: params['return_url'] ?? '',
      trade_no: `2026${Date.now()}${Math.floor(Math.random() * 1000)}`,
    };
    orders.set(order.out_trade_no, order);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<p>扫码支付 ¥${order.money}</p>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const notifyParams: FakeEpay['notifyParams'] = (outTradeNo, over = {}, signKey = key) => {
    const order = orders.get(outTradeNo);
    if (!order) throw new Error(`no EPay order ${outTradeNo}`);
    const params: Record<string, string> = {
      pid,
      trade_no: order.trade_no,
      out_trade_no: order.out_trade_no,
      type: order.type,
      name: order.name,
      money: order.money,
      trade_status: 'TRADE_SUCCESS',
      ...over,
    };
    return { ...params, sign: epaySign(params, signKey), sign_type: 'MD5' };
  };

  return {
    url: base,
    pid,
    key,
    orders,
    get refused() {
      return fake.refused;
    },
    notifyParams,
    async notify(outTradeNo, options = {}) {
      const order = orders.get(outTradeNo);
      if (!order) throw new Error(`no EPay order ${outTradeNo}`);
      const query = new URLSearchParams(notifyParams(outTradeNo, options.over, options.signKey));
      const res =
        options.method === 'POST'
          ? await fetch(order.notify_url, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: query.toString(),
            })
          : await fetch(`${order.notify_url}?${query.toString()}`);
      return { status: res.status, text: await res.text() };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
