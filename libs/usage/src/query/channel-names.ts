// Channel names for usage rows, asked of the channels domain once per channel per request.
import { ChannelsError, ChannelsService } from '@gateway/channels';

export class ChannelNames {
  private readonly names = new Map<string, Promise<string | null>>();

  constructor(private readonly channels: ChannelsService) {}

  /** The current name of each channel; null for one that was deleted since. */
  async of(ids: readonly (string | null)[]): Promise<Map<string, string | null>> {
    const distinct = [...new Set(ids.filter((id): id is string => id !== null))];
    const names = await Promise.all(distinct.map((id) => this.lookup(id)));
    return new Map(distinct.map((id, i) => [id, names[i] ?? null]));
  }

  private lookup(id: string): Promise<string | null> {
    const known = this.names.get(id);
    if (known) return known;
    const name = this.channels.findOrFail(id).then(
      (channel) => channel.name,
      (error: unknown) => {
        if (error instanceof ChannelsError) return null;
        this.names.delete(id);
        throw error;
      },
    );
    this.names.set(id, name);
    return name;
  }
}
