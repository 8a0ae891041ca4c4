// Apart from BalanceMirror (the api's, which asks TokensService) so that the worker's reconciler
// names the same key without loading the api's services.

/**
 * The mirror of a token's spend while it has a quota (balance-scripts.ts), named by its quota epoch
 * (Token.quotaEpoch), which moves on each time a quota is set on a token that had none: nothing
 * counted its spend in Redis meanwhile, so the new mirror loads PostgreSQL's count, not the one left
 * behind. A quota changed from one amount to another keeps its mirror, holds in flight included.
 */
export function tokenMirrorKey(prefix: string, tokenId: string, quotaEpoch: number): string {
  return `${prefix}:tq:${tokenId}:${quotaEpoch}`;
}
