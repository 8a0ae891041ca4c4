/** The ChangeFeed topic announced after any channel or key change: the relay reloads its routing table. */
export const CHANNELS_TOPIC = 'channels';
