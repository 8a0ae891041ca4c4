// The time zone whose midnight resets a channel's keys' daily caps (rpd, tpd, the models' too).
// Providers reset free tiers at their own midnight: Google's Gemini API at Pacific time.
import type { ChannelType } from './entities/channel.entity';

/** Where each wire format's provider resets its daily limits, when the channel names no zone. */
export const DEFAULT_DAY_RESET_ZONES: Readonly<Record<ChannelType, string>> = {
  openai: 'UTC',
  'azure-openai': 'UTC',
  anthropic: 'UTC',
  gemini: 'America/Los_Angeles',
};

/** The zone a channel's daily caps count in: its own, else its provider's default. */
export function effectiveDayResetZone(channel: { type: ChannelType; dayResetZone: string | null }): string {
  return channel.dayResetZone ?? DEFAULT_DAY_RESET_ZONES[channel.type];
}
