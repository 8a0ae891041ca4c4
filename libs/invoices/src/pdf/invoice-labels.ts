// The words on an invoice PDF, in the languages a tenant may choose (its billing profile's
// `language`). Amounts and dates are written the same way in both, so an accountant reads them alike.
export interface InvoiceLabels {
  invoice: string;
  creditNote: string;
  issuer: string;
  billTo: string;
  taxId: string;
  invoiceDate: string;
  dueDate: string;
  period: string;
  currency: string;
  exchangeRate: (currency: string, rate: string, month: string) => string;
  rounding: string;
  usdRounding: string;
  /** A credit note's amounts, in every column: its share of the invoice's (credit-note-statement.ts). */
  creditRounding: string;
  corrects: string;
  reason: string;
  description: string;
  requests: string;
  input: string;
  cached: string;
  output: string;
  amount: (currency: string) => string;
  unitPrices: (input: string, cached: string, output: string, perRequest: string) => string;
  priceChanged: string;
  planFee: string;
  includedInPlan: string;
  writtenOff: (model: string, requests: number) => string;
  subtotal: string;
  tax: string;
  total: string;
  paidFromBalance: string;
  amountDue: string;
  paymentInstructions: string;
  paymentsInPeriod: string;
  page: (n: number, of: number) => string;
  paymentKinds: Record<string, string>;
}

const EN: InvoiceLabels = {
  invoice: 'Invoice',
  creditNote: 'Credit note',
  issuer: 'From',
  billTo: 'Bill to',
  taxId: 'Tax ID',
  invoiceDate: 'Invoice date',
  dueDate: 'Due date',
  period: 'Period',
  currency: 'Currency',
  exchangeRate: (currency, rate, month) => `Exchange rate: 1 USD = ${rate} ${currency} (rate of ${month})`,
  rounding:
    'Rounding: each amount is converted at this rate and rounded half away from zero to the minor unit; the subtotal is the sum of the converted lines; tax is computed on it and rounded the same way.',
  usdRounding:
    'USD amounts are stated to the cent: each line rounded half away from zero; the subtotal is the sum of the rounded lines; tax is computed on it and rounded the same way.',
  creditRounding:
    'Amounts are stated as a share of the invoice’s: the amount credited so far rounded half away from zero, with tax on it, less what earlier credit notes stated; the credit note that credits the rest states what the invoice states less the earlier ones, so together they never state more than the invoice. Once something is paid, a credit note states in all no more than was left to pay plus what it gives back to the prepaid balance.',
  corrects: 'Corrects invoice',
  reason: 'Reason',
  description: 'Description',
  requests: 'Requests',
  input: 'Input tokens',
  cached: 'Cached tokens',
  output: 'Output tokens',
  amount: (currency) => `Amount (${currency})`,
  unitPrices: (input, cached, output, perRequest) =>
    `Unit prices (USD): ${input} input, ${cached} cached, ${output} output per 1M tokens; ${perRequest} per request`,
  priceChanged: 'price changed in the period; amount at the price of each request',
  planFee: 'Plan',
  includedInPlan: 'Included in plan',
  writtenOff: (model, requests) =>
    `Written off: ${model} (cost above the hold, ${requests} ${requests === 1 ? 'request' : 'requests'})`,
  subtotal: 'Subtotal',
  tax: 'Tax',
  total: 'Total',
  paidFromBalance: 'Paid from prepaid balance',
  amountDue: 'Amount due',
  paymentInstructions: 'Payment instructions',
  paymentsInPeriod: 'Payments and credits in the period (not part of the total)',
  page: (n, of) => `Page ${n} of ${of}`,
  paymentKinds: {
    topup: 'Top-up',
    redemption: 'Redemption code',
    adjustment: 'Adjustment',
    refund: 'Refund',
  },
};

const ZH: InvoiceLabels = {
  invoice: '发票',
  creditNote: '红字发票（贷项通知单）',
  issuer: '开票方',
  billTo: '购买方',
  taxId: '税号',
  invoiceDate: '开票日期',
  dueDate: '付款截止日期',
  period: '账期',
  currency: '币种',
  exchangeRate: (currency, rate, month) => `汇率：1 USD = ${rate} ${currency}（${month} 汇率）`,
  rounding:
    '舍入规则：各金额按此汇率换算后四舍五入（远离零）至最小货币单位；小计为换算后各行之和；税额按换算后小计计算并同样舍入。',
  usdRounding:
    'USD 金额精确到分：各行四舍五入（远离零）至分；小计为舍入后各行之和；税额按小计计算并同样舍入。',
  creditRounding:
    '金额按原发票金额分摊列示：累计冲减金额四舍五入（远离零）并据此计税，减去此前红字发票已列示的金额；冲减余额的红字发票列示原发票金额减去此前各张之和，合计从不超过原发票。已有付款时，红字发票列示的合计不超过尚未支付的金额加上退回预付余额的金额。',
  corrects: '更正发票',
  reason: '原因',
  description: '项目',
  requests: '请求数',
  input: '输入 tokens',
  cached: '缓存 tokens',
  output: '输出 tokens',
  amount: (currency) => `金额（${currency}）`,
  unitPrices: (input, cached, output, perRequest) =>
    `单价（USD）：每百万 tokens 输入 ${input}，缓存 ${cached}，输出 ${output}；每次请求 ${perRequest}`,
  priceChanged: '本期内价格有变动；金额按每次请求时的价格计算',
  planFee: '套餐',
  includedInPlan: '套餐内包含',
  writtenOff: (model, requests) => `核销：${model}（超出预扣金额的费用，${requests} 次请求）`,
  subtotal: '小计',
  tax: '税',
  total: '合计',
  paidFromBalance: '已从预付余额支付',
  amountDue: '应付金额',
  paymentInstructions: '付款方式',
  paymentsInPeriod: '本期付款与充值（不计入合计）',
  page: (n, of) => `第 ${n} 页，共 ${of} 页`,
  paymentKinds: { topup: '充值', redemption: '兑换码', adjustment: '调整', refund: '退款' },
};

export function invoiceLabels(language: string): InvoiceLabels {
  return language === 'zh-CN' ? ZH : EN;
}
