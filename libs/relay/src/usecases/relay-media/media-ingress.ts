import type { Relayed } from '../relay-request/relayed';

/**
 * A media route's request as the relay reads it, once the caller is authenticated: its JSON body
 * validated, or its upload stored and its fields validated.
 */
export interface MediaIngress {
  relayed(): Promise<Relayed>;
}
