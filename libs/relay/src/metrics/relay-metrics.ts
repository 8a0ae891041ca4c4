// Prometheus metrics of the relay, in a registry of its own that the api's /metrics merges in.
// Labels are bounded: models and channels are the operator's (a request for an unknown model is
// labelled `-`), never the client's free text.
import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';

@Injectable()
export class RelayMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'gateway_relay_requests_total',
    help: 'Relayed /v1 requests by endpoint, model, HTTP status and error code (none when it succeeded).',
    labelNames: ['endpoint', 'model', 'status', 'code'] as const,
    registers: [this.registry],
  });

  readonly attempts = new Counter({
    name: 'gateway_relay_upstream_attempts_total',
    help: 'Upstream attempts by channel and outcome (ok, rate_limited, server_error, key_rejected, out_of_credit, model_refused, timeout, connect_error, bad_response, rejected).',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly tokens = new Counter({
    name: 'gateway_relay_tokens_total',
    help: 'Tokens metered, by model and kind (prompt, completion).',
    labelNames: ['model', 'kind'] as const,
    registers: [this.registry],
  });

  /** A held request whose upstream reported more than was held is charged the hold (docs/design.md invariant 6). */
  readonly writeOffs = new Counter({
    name: 'gateway_relay_write_offs_total',
    help: "Held requests whose upstream's usage cost more than their hold: charged the hold, the rest written off, by model.",
    labelNames: ['model'] as const,
    registers: [this.registry],
  });

  readonly writtenOffUsd = new Counter({
    name: 'gateway_relay_written_off_usd_total',
    help: "USD the upstreams' usage cost beyond the requests' holds, recorded and not charged, by model.",
    labelNames: ['model'] as const,
    registers: [this.registry],
  });

  readonly ttft = new Histogram({
    name: 'gateway_relay_time_to_first_token_seconds',
    help: 'From receiving a request to the first generated content, by channel.',
    labelNames: ['channel'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32],
    registers: [this.registry],
  });
}
