// Whether each member of a chain is served now, from the channels as they are: a channel edit may
// strand a member the chain was written with (its model or alias removed, its channel disabled,
// deleted, keyless or moved to other groups). The relay skips such a member; the view says why.
import { upstreamModelFor } from '../model-mapping';

/** A channel as servability needs it. */
export interface ServingChannel {
  status: string;
  groups: string[];
  models: string[];
  modelMapping: Record<string, string>;
  /** Whether it has an enabled key. */
  hasKey: boolean;
}

/** Why a member is not servable: no channel lists it (or its alias), only disabled ones do, or those enabled have no enabled key. */
export const UNSERVABLE_REASONS = ['not_served', 'channels_disabled', 'no_enabled_key'] as const;
export type UnservableReason = (typeof UNSERVABLE_REASONS)[number];

/** A member's servability, as the chain's view shows it. */
export interface MemberServability {
  model: string;
  servable: boolean;
  groups: string[];
  reason: UnservableReason | null;
}

export function memberServability(
  models: readonly string[],
  channels: readonly ServingChannel[],
): MemberServability[] {
  return models.map((model) => {
    // The relay's rule: a channel serves the member when it has an upstream model for it.
    const serving = channels.filter((c) => upstreamModelFor(c, model) !== null);
    const live = serving.filter((c) => c.status === 'enabled' && c.hasKey);
    const groups = [...new Set(live.flatMap((c) => c.groups))].sort();
    if (groups.length > 0) return { model, servable: true, groups, reason: null };
    let reason: UnservableReason = 'not_served';
    if (serving.some((c) => c.status === 'enabled')) reason = 'no_enabled_key';
    else if (serving.length > 0) reason = 'channels_disabled';
    return { model, servable: false, groups: [], reason };
  });
}
