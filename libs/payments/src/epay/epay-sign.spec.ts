import { createHash } from 'node:crypto';
import { epaySign, epaySigningString, epayVerify } from './epay-sign';

const KEY = 'merchant-key-0123456789';
const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

describe('EPay signatures', () => {
  const notify = {
    pid: '1001',
    trade_no: '2026120312345678',
    out_trade_no: '9f1c0d6e2b7a4c1e8d3f5a6b7c8d9e0f',
    type: 'alipay',
    name: 'Top-up $10',
    money: '72.00',
    trade_status: 'TRADE_SUCCESS',
    param: '',
    sign_type: 'MD5',
  };

  it('sorts by key, drops sign, sign_type and empty values, and appends the key before MD5', () => {
    expect(epaySigningString(notify)).toBe(
      'money=72.00&name=Top-up $10&out_trade_no=9f1c0d6e2b7a4c1e8d3f5a6b7c8d9e0f&pid=1001' +
        '&trade_no=2026120312345678&trade_status=TRADE_SUCCESS&type=alipay',
    );
    expect(epaySign(notify, KEY)).toBe(md5(`${epaySigningString(notify)}${KEY}`));
  });

  it('verifies a signed notification, in either case', () => {
    const sign = epaySign(notify, KEY);
    expect(epayVerify({ ...notify, sign }, KEY)).toBe(true);
    expect(epayVerify({ ...notify, sign: sign.toUpperCase() }, KEY)).toBe(true);
  });

  it('refuses a changed amount, another key, or a missing or malformed sign', () => {
    const sign = epaySign(notify, KEY);
    expect(epayVerify({ ...notify, money: '720.00', sign }, KEY)).toBe(false);
    expect(epayVerify({ ...notify, sign }, `${KEY}x`)).toBe(false);
    expect(epayVerify({ ...notify }, KEY)).toBe(false);
    expect(epayVerify({ ...notify, sign: 'not-hex' }, KEY)).toBe(false);
    expect(epayVerify({ ...notify, sign: sign.slice(0, 31) }, KEY)).toBe(false);
  });
});
