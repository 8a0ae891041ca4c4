// What one scheduled probe's finding does to a key: the failure streak, and the probe's own
// `auto_disabled` status. Pure, so the rules are tested on their own.
import type { ChannelStatus } from '../entities/channel.entity';
import type { ProbeHealth } from '../probe/probe-classification';

export interface KeyProbeState {
  status: ChannelStatus;
  consecutiveFailures: number;
}

export interface ProbeVerdict {
  consecutiveFailures: number;
  status: ChannelStatus;
  /** The reason to store: a string when the probe disables, null when it re-enables, else unchanged. */
  disabledReason?: string | null;
  transition: 'auto_disabled' | 're_enabled' | null;
}

/**
 * | finding         | streak      | status                                                         |
 * | --------------- | ----------- | -------------------------------------------------------------- |
 * | healthy         | reset to 0  | `auto_disabled` → `enabled` (never an admin's `disabled`)       |
 * | rate_limited    | unchanged   | unchanged: the key is genuine, only busy                        |
 * | invalid, error  | + 1         | `enabled` → `auto_disabled` once the streak reaches `threshold` |
 */
export function judgeProbe(
  state: KeyProbeState,
  result: ProbeHealth,
  threshold: number,
  detail: string,
): ProbeVerdict {
  if (result === 'healthy') {
    if (state.status === 'auto_disabled')
      return { consecutiveFailures: 0, status: 'enabled', disabledReason: null, transition: 're_enabled' };
    return { consecutiveFailures: 0, status: state.status, transition: null };
  }
  if (result === 'rate_limited')
    return { consecutiveFailures: state.consecutiveFailures, status: state.status, transition: null };
  const failures = state.consecutiveFailures + 1;
  if (state.status === 'enabled' && failures >= threshold) {
    const reason = `${failures} probe${failures === 1 ? '' : 's'} in a row failed; last: ${result} (${detail})`;
    return {
      consecutiveFailures: failures,
      status: 'auto_disabled',
      disabledReason: reason.slice(0, 500),
      transition: 'auto_disabled',
    };
  }
  return { consecutiveFailures: failures, status: state.status, transition: null };
}

/** The statuses of a channel's keys after a probe changed one: should the channel follow? */
export function judgeChannel(
  channelStatus: ChannelStatus,
  keyStatuses: readonly ChannelStatus[],
): { status: ChannelStatus; disabledReason?: string | null } | null {
  if (channelStatus === 'enabled') {
    const noneEnabled = !keyStatuses.includes('enabled');
    if (noneEnabled && keyStatuses.includes('auto_disabled'))
      return {
        status: 'auto_disabled',
        disabledReason: 'every key of the channel was disabled by its probes',
      };
    return null;
  }
  if (channelStatus === 'auto_disabled' && keyStatuses.includes('enabled'))
    return { status: 'enabled', disabledReason: null };
  return null;
}
