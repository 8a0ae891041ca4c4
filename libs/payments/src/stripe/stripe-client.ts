// The official Stripe client for one secret key, sending its API calls to STRIPE_API_URL (Stripe
// itself by default; a local mock or proxy when set).
import type Stripe from 'stripe';

let sdk: typeof Stripe | undefined;

/**
 * The Stripe SDK, required at the first Checkout session or webhook rather than with every api and
 * worker process: its 220 modules cost each process ~4 MB of idle memory, and most never take a
 * payment (issue #16). Required, not imported, so it is the same CommonJS build the types describe.
 */
export function stripeSdk(): typeof Stripe {
  // The CommonJS build's module.exports is the class itself (what `import Stripe from 'stripe'`
  // reads through esModuleInterop).
  sdk ??= require('stripe') as typeof Stripe;
  return sdk;
}

export function stripeClient(secretKey: string, apiUrl: string): Stripe {
  const url = new URL(apiUrl);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  const Sdk = stripeSdk();
  return new Sdk(secretKey, {
    host: url.hostname,
    port: url.port || (protocol === 'http' ? 80 : 443),
    protocol,
    maxNetworkRetries: 1,
    timeout: 20_000,
    telemetry: false,
  });
}
