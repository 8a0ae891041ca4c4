// The fallback chain as an ordered list of tiers: channels in one tier share a priority (and split
// traffic by weight); each tier below is tried only when the ones above fail. Reordering by drag and
// drop edits this list; saving turns it back into priorities (higher = tried first, as the api has it).
export interface ChainEntry {
  id: string;
  name: string;
  priority: number;
  weight: number;
  /** true: in the same tier as the entry above it */
  linked: boolean;
}

export function chainOf(
  channels: { id: string; name: string; priority: number; weight: number }[],
): ChainEntry[] {
  const sorted = [...channels].sort(
    (a, b) => b.priority - a.priority || b.weight - a.weight || a.name.localeCompare(b.name),
  );
  return sorted.map((channel, index) => ({
    id: channel.id,
    name: channel.name,
    priority: channel.priority,
    weight: channel.weight,
    linked: index > 0 && sorted[index - 1]?.priority === channel.priority,
  }));
}

/**
 * Moves entry `from` to position `to`, as a tier of its own (link it to the tier above explicitly).
 * The first entry can never be linked to one above it.
 */
export function moveEntry(chain: ChainEntry[], from: number, to: number): ChainEntry[] {
  const next = [...chain];
  const [moved] = next.splice(from, 1);
  if (!moved) return chain;
  next.splice(to, 0, { ...moved, linked: false });
  return next.map((entry, index) => (index === 0 && entry.linked ? { ...entry, linked: false } : entry));
}

/** The tier number of each entry, 0 = tried first. */
export function tiersOf(chain: ChainEntry[]): number[] {
  let tier = -1;
  return chain.map((entry, index) => (index === 0 || !entry.linked ? ++tier : tier));
}

/**
 * The priority each channel should get for this order. When the tiers already follow the current
 * priorities (strictly decreasing between tiers, equal within one), they are kept as they are;
 * otherwise tiers are renumbered 10 apart, the last tier at 0.
 */
export function prioritiesOf(chain: ChainEntry[]): Map<string, number> {
  const tiers = tiersOf(chain);
  const tierCount = (tiers[tiers.length - 1] ?? -1) + 1;
  const consistent = chain.every((entry, index) => {
    if (index === 0) return true;
    const above = chain[index - 1] as ChainEntry;
    return tiers[index] === tiers[index - 1]
      ? entry.priority === above.priority
      : entry.priority < above.priority;
  });
  return new Map(
    chain.map((entry, index) => [
      entry.id,
      consistent ? entry.priority : (tierCount - 1 - (tiers[index] ?? 0)) * 10,
    ]),
  );
}
