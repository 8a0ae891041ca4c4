// A sticky session's key first, as planAttempts puts it when given the key: the admission script
// learns the session's key only inside Redis (docs/design.md, "The hot path"), so the plan is made
// without it and reordered there; the relay reorders its own copy the same way with the key the
// script read. Within each model of the plan (a chain has several, one after the other), the
// channel holding the key moves to the front with that key first; everything else keeps its order.

/** A planned candidate: its key, its channel and the model it serves (a chain's member). */
export interface StickyCandidate {
  readonly key: { readonly id: string };
  readonly channel: { readonly id: string };
  readonly model: string;
}

/**
 * Per candidate its key id, its channel block and its model section (consecutive candidates of one
 * channel for one model share a block; of one model, a section), for STICKY_ORDER_FUNCTION.
 */
export function stickyLayout(candidates: readonly StickyCandidate[]): (string | number)[] {
  const layout: (string | number)[] = [];
  let block = 0;
  let section = 0;
  candidates.forEach((candidate, i) => {
    const previous = i > 0 ? candidates[i - 1] : undefined;
    if (previous === undefined || previous.model !== candidate.model) section++;
    if (
      previous === undefined ||
      previous.model !== candidate.model ||
      previous.channel.id !== candidate.channel.id
    ) {
      block++;
    }
    layout.push(candidate.key.id, block, section);
  });
  return layout;
}

/**
 * The candidates in the order STICKY_ORDER_FUNCTION gives them for the session's key `stickyKeyId`:
 * in each model's section, the key's candidate, then the rest of its channel block, then the rest of
 * the section, each in plan order. Read in one pass, without stickyLayout's list (a large pool's plan
 * is reordered on each request of a session: issue #16).
 */
export function stickyOrder<T extends StickyCandidate>(
  candidates: readonly T[],
  stickyKeyId: string | null,
): T[] {
  if (stickyKeyId === null || stickyKeyId === '') return candidates.slice();
  const ordered: T[] = [];
  const at = (i: number) => candidates[i] as T;
  for (let start = 0; start < candidates.length;) {
    const model = at(start).model;
    let end = start + 1;
    while (end < candidates.length && at(end).model === model) end++;
    let sticky = -1;
    for (let i = start; i < end && sticky < 0; i++) if (at(i).key.id === stickyKeyId) sticky = i;
    if (sticky < 0) {
      for (let i = start; i < end; i++) ordered.push(at(i));
    } else {
      // Its block: the run of the section's candidates of its channel around it.
      const channel = at(sticky).channel.id;
      let from = sticky;
      while (from > start && at(from - 1).channel.id === channel) from--;
      let to = sticky + 1;
      while (to < end && at(to).channel.id === channel) to++;
      ordered.push(at(sticky));
      for (let i = from; i < to; i++) if (i !== sticky) ordered.push(at(i));
      for (let i = start; i < end; i++) if (i < from || i >= to) ordered.push(at(i));
    }
    start = end;
  }
  return ordered;
}

/**
 * stickyOrder in Lua: stickyOrder(sticky, L, n) returns the indexes (1-based) of n candidates in the
 * order to try them, given the session's key id (false or '' for none) and L, stickyLayout's list.
 */
export const STICKY_ORDER_FUNCTION = `
local function stickyOrder(sticky, L, n)
  local order = {}
  local start = 1
  while start <= n do
    local finish = start
    while finish + 1 <= n and L[(finish) * 3 + 3] == L[(start - 1) * 3 + 3] do finish = finish + 1 end
    local at = nil
    if sticky and sticky ~= '' then
      for i = start, finish do
        if L[(i - 1) * 3 + 1] == sticky then at = i break end
      end
    end
    if at then
      local block = L[(at - 1) * 3 + 2]
      order[#order + 1] = at
      for i = start, finish do
        if i ~= at and L[(i - 1) * 3 + 2] == block then order[#order + 1] = i end
      end
      for i = start, finish do
        if L[(i - 1) * 3 + 2] ~= block then order[#order + 1] = i end
      end
    else
      for i = start, finish do order[#order + 1] = i end
    end
    start = finish + 1
  end
  return order
end
`;
