/**
 * The ChangeFeed topic of prices and group multipliers, which the relay's PriceBook listens on: the
 * model when one model's prices changed, null when a multiplier did (every model's cost).
 */
export const PRICES_TOPIC = 'prices';
