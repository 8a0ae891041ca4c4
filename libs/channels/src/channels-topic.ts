/** The ChangeFeed topic announced after any channel or key change: the relay reloads its routing table. */
export const CHANNELS_TOPIC = 'channels';

/** The ChangeFeed topic announced after a model chain or a group's routing choice changed: the relay reloads too. */
export const MODEL_CHAINS_TOPIC = 'model-chains';
