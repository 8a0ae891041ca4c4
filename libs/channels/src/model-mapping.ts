// Which upstream model a channel sends for a requested name: the one rule the relay routes by and the
// chains' view judges a member's servability by, so the two cannot drift apart.

/** What the rule reads of a channel. */
export interface ModelServing {
  readonly models: readonly string[];
  readonly modelMapping: Readonly<Record<string, string>>;
}

/**
 * The upstream model a channel uses for `model`, or null when it does not serve it: an alias in its
 * modelMapping that maps to a non-empty name, else the name itself when the channel lists it.
 */
export function upstreamModelFor(channel: ModelServing, model: string): string | null {
  if (Object.prototype.hasOwnProperty.call(channel.modelMapping, model)) {
    const mapped = channel.modelMapping[model];
    if (typeof mapped === 'string' && mapped !== '') return mapped;
  }
  return channel.models.includes(model) ? model : null;
}

/**
 * Every name a channel serves (each `model` for which upstreamModelFor is not null): the models it
 * lists, then the aliases it maps to a non-empty name. A name can come twice (listed and mapped, or
 * listed twice). Read once per channel when a routing table is built, so it does not ask
 * upstreamModelFor name by name (a scan of the list each time).
 */
export function servedNames(channel: ModelServing): string[] {
  const names = channel.models.slice();
  for (const alias of Object.keys(channel.modelMapping)) {
    const mapped = channel.modelMapping[alias];
    if (typeof mapped === 'string' && mapped !== '') names.push(alias);
  }
  return names;
}
