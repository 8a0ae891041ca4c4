/**
 * The ChangeFeed topic of subscriptions and plans, which the relay's plan cache (CurrentPlans)
 * listens on: the tenant's id when its subscription changed, null when a plan did (every tenant).
 */
export const PLANS_TOPIC = 'plans';
