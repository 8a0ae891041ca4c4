// Generated from the api's OpenAPI document by `npm run contracts:generate`: do not edit.
// A test (apps/api/test/contracts) fails when this file differs from what the api serves.
export interface paths {
  '/health': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['SystemController_health'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/ready': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['SystemController_ready'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/login': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: operations['AuthController_login'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/register': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: operations['AuthController_register'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/logout': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post: operations['AuthController_logout'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/auth/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['AuthController_me'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/tenants': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['TenantsController_list'];
    put?: never;
    post: operations['TenantsController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/tenants/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['TenantsController_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch: operations['TenantsController_update'];
    trace?: never;
  };
  '/api/users': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['UsersController_list'];
    put?: never;
    post: operations['UsersController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/users/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['UsersController_get'];
    put?: never;
    post?: never;
    delete: operations['UsersController_delete'];
    options?: never;
    head?: never;
    patch: operations['UsersController_update'];
    trace?: never;
  };
  '/api/audit': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['AuditController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/tokens': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['TokensController_list'];
    put?: never;
    post: operations['TokensController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/tokens/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['TokensController_get'];
    put?: never;
    post?: never;
    delete: operations['TokensController_remove'];
    options?: never;
    head?: never;
    patch: operations['TokensController_update'];
    trace?: never;
  };
  '/api/channels/presets': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Base URLs of well-known providers */
    get: operations['ChannelsController_presets'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/channels': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['ChannelsController_list'];
    put?: never;
    post: operations['ChannelsController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/channels/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['ChannelsController_get'];
    put?: never;
    post?: never;
    delete: operations['ChannelsController_remove'];
    options?: never;
    head?: never;
    patch: operations['ChannelsController_update'];
    trace?: never;
  };
  '/api/channels/{id}/test': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Send one real minimal request upstream with a key; the result is stored as the key’s health */
    post: operations['ChannelsController_test'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/channels/{id}/keys': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['ChannelKeysController_list'];
    put?: never;
    /** Add one key ({key, …}) or many ({keys: [...], …}); all or nothing; keys are never returned */
    post: operations['ChannelKeysController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/channels/{id}/keys/{keyId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    delete: operations['ChannelKeysController_remove'];
    options?: never;
    head?: never;
    patch: operations['ChannelKeysController_update'];
    trace?: never;
  };
  '/api/channels/{id}/keys/{keyId}/probes': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The key’s health probe history, newest first (kept PROBE_HISTORY_DAYS) */
    get: operations['ChannelKeysController_probes'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/channels/{id}/keys/{keyId}/reset-cooldown': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** End the key’s cooldown now, so the relay uses it on the next request (audited) */
    post: operations['ChannelKeysController_resetCooldown'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/model-chains': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['ModelChainsController_list'];
    put?: never;
    /** A named, ordered list of models clients can ask for as one model */
    post: operations['ModelChainsController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/model-chains/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['ModelChainsController_get'];
    put?: never;
    post?: never;
    delete: operations['ModelChainsController_remove'];
    options?: never;
    head?: never;
    patch: operations['ModelChainsController_update'];
    trace?: never;
  };
  '/api/groups/{group}/routing': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The group’s `auto` chain and whether conversations are recognised without a header */
    get: operations['GroupRoutingController_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/groups/{group}/default-chain': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** The chain `model: "auto"` means for the group (null: none) */
    put: operations['GroupRoutingController_setDefaultChain'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/groups/{group}/hashed-sessions': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** Keep header-less conversations on their key (by their leading messages), or not */
    put: operations['GroupRoutingController_setHashedSessions'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/models': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Models served by enabled channels (a tenant sees its group’s), with current prices */
    get: operations['ModelsController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/models/{model}/price': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The price in force now */
    get: operations['ModelsController_current'];
    /** Set the price from now on (adds a row; earlier prices stay as they were) */
    put: operations['ModelsController_setPrice'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/models/{model}/price/preview': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** What a request with these token counts costs at the current price */
    get: operations['ModelsController_preview'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/models/{model}/prices': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every price the model has had, newest first */
    get: operations['ModelsController_history'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/models/import/newapi': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Set prices from NewAPI / one-api ratios (ModelRatio, CompletionRatio, CacheRatio, QuotaPerUnit) */
    post: operations['NewApiImportController_importNewApi'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/tenants/{id}/ledger': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The tenant’s ledger lines, newest first */
    get: operations['LedgerController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/tenants/{id}/balance': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The tenant’s balance: the sum of its ledger, split into credits and debits */
    get: operations['LedgerController_balance'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/tenants/{id}/topups': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Credit the tenant’s balance (a `topup` ledger line) */
    post: operations['TopupsController_topup'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/tenants/{id}/adjustments': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Correct the tenant’s balance up or down (an `adjustment` line with a note) */
    post: operations['TopupsController_adjust'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/redemption-codes': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Codes, masked, newest first */
    get: operations['RedemptionCodesController_list'];
    put?: never;
    /** Create a batch of codes; the codes are in this response only */
    post: operations['RedemptionCodesController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/redemption-codes/redeem': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Redeem a code into a tenant’s balance (once; 409 when redeemed, 410 when expired) */
    post: operations['RedemptionCodesController_redeem'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/redemption-codes/{id}/disable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Disable an unredeemed code: redeeming it is then 410 (409 when already redeemed) */
    post: operations['RedemptionCodesController_disable'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/redemption-codes/batches/{batchId}/disable': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Disable every unredeemed code of a batch; redeemed ones stay redeemed */
    post: operations['RedemptionCodesController_disableBatch'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/groups/multipliers': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Every group whose multiplier was set (the others are at 1) */
    get: operations['GroupMultipliersController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/groups/{group}/multiplier': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The group’s price multiplier (1 unless set) */
    get: operations['GroupMultipliersController_get'];
    /** Set the group’s price multiplier from now on */
    put: operations['GroupMultipliersController_set'];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/plans': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Plans, cheapest first (a tenant’s users see the active ones only) */
    get: operations['PlansController_list'];
    put?: never;
    /** Create a plan */
    post: operations['PlansController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/plans/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One plan (a tenant’s users see active plans and their own) */
    get: operations['PlansController_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /** Change a plan; applies to its subscribers at once */
    patch: operations['PlansController_update'];
    trace?: never;
  };
  '/api/tenants/{id}/subscription': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The tenant’s plan and current billing period (404 when it has none) */
    get: operations['SubscriptionsController_get'];
    /** Put the tenant on a plan now; a switch keeps the current period, whose usage counts against the new plan */
    put: operations['SubscriptionsController_set'];
    post?: never;
    /** End the tenant’s subscription now (it stays prepaid) */
    delete: operations['SubscriptionsController_end'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/tenants/{id}/subscription/changes': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The tenant’s subscription history, newest first */
    get: operations['SubscriptionsController_history'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/usage/reconciliation': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['UsageController_reconciliation'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/usage/logs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['UsageController_logs'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/usage/logs.csv': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['UsageController_csv'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/usage/summary': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['UsageController_summary'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/invoices': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Issued invoices and credit notes, newest first */
    get: operations['InvoicesController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/invoices/generate': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Issue a closed period’s invoice now (the worker does it; the id is known at once) */
    post: operations['InvoicesController_generate'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/invoices/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['InvoicesController_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/invoices/{id}/credit-note': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Correct an issued invoice with a credit note (the worker issues it; the id is known at once) */
    post: operations['InvoicesController_creditNote'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/invoices/{id}/payments': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Record a payment received for an invoice (a bank transfer); the status follows */
    post: operations['InvoicesController_recordPayment'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/invoices/{id}/deliveries': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Email an invoice again after its delivery was skipped or failed (queued) */
    post: operations['InvoicesController_resend'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/invoices/{id}/pdf': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get: operations['InvoicesController_pdf'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/invoices.csv': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A month’s invoices and credit notes as CSV, for accounting */
    get: operations['InvoicesExportController_csv'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/settings/public': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The site name and whether sign-up is open (no login needed) */
    get: operations['SettingsController_publicView'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/settings': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The runtime settings in force (stored values over the environment’s defaults) */
    get: operations['SettingsController_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /** Change settings; every process applies them at once */
    patch: operations['SettingsController_update'];
    trace?: never;
  };
  '/api/settings/exchange-rates/{currency}/{period}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** Set one month’s rate of one currency, leaving the other rates as they are */
    put: operations['SettingsController_setExchangeRate'];
    post?: never;
    /** Remove one month’s rate of one currency (404 exchange_rate_not_found when unset) */
    delete: operations['SettingsController_removeExchangeRate'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/imports/newapi': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Import a NewAPI / one-api installation (channels, users and balances, tokens, unused redemption codes, prices, group ratios); dryRun (the default) only reports */
    post: operations['NewApiMigrationController_importNewApi'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/payment-providers': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Stripe and EPay as configured (secrets masked) */
    get: operations['PaymentProvidersController_list'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/payment-providers/stripe': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /** Configure Stripe Checkout: keys, currency and rate, enabled */
    patch: operations['PaymentProvidersController_updateStripe'];
    trace?: never;
  };
  '/api/payment-providers/epay': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    /** Configure EPay (易支付): gateway, merchant id and key, methods, CNY rate, enabled */
    patch: operations['PaymentProvidersController_updateEpay'];
    trace?: never;
  };
  '/api/payments/options': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The enabled ways to top up online, with their currency and rate */
    get: operations['TopupOrdersController_options'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/tenants/{id}/topup-orders': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The tenant’s online top-ups, newest first */
    get: operations['TopupOrdersController_list'];
    put?: never;
    /** Start an online top-up; send the customer to its payUrl */
    post: operations['TopupOrdersController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/tenants/{id}/topup-orders/{orderId}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One online top-up (poll it after the customer comes back) */
    get: operations['TopupOrdersController_get'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/payments/stripe/webhook': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Stripe’s webhook (checkout.session.*, refund.created|updated|failed, charge.dispute.created|funds_withdrawn|funds_reinstated|closed), verified by its Stripe-Signature */
    post: operations['PaymentNotificationsController_stripe'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/payments/epay/notify': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** EPay’s notify_url, verified by its MD5 sign; answers `success` */
    get: operations['PaymentNotificationsController_epayGet'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    LoginDto: {
      /**
       * @description send email or username
       * @example admin@example.com
       */
      email?: string;
      /**
       * @description the NewAPI / one-api username of an imported user (instead of email)
       * @example alice
       */
      username?: string;
      /** Format: password */
      password: string;
    };
    UserView: {
      /** Format: uuid */
      id: string;
      email: string;
      name: string | null;
      /** @description the sign-in name of a user imported from NewAPI / one-api; null otherwise */
      username: string | null;
      /** @enum {string} */
      role: 'super_admin' | 'owner' | 'admin' | 'member' | 'finance';
      /**
       * Format: uuid
       * @description null only for super admins
       */
      tenantId: string | null;
      disabled: boolean;
      createdAt: string;
    };
    LoginResponse: {
      /** @description Send as Authorization: Bearer <accessToken>. Also set as an httpOnly cookie. */
      accessToken: string;
      expiresAt: string;
      user: components['schemas']['UserView'];
    };
    RegisterDto: {
      /** Format: email */
      email: string;
      /** Format: password */
      password: string;
      name?: string;
      /** @description name of the new tenant; derived from the email when absent; made unique */
      tenantName?: string;
    };
    RegistrationAccepted: {
      /**
       * @description The same for a new and an existing email; log in next with the password just chosen.
       * @enum {string}
       */
      status: 'accepted';
    };
    BillingProfileView: {
      legalName: string | null;
      address: string | null;
      /** @example CN */
      country: string | null;
      taxId: string | null;
      /** Format: email */
      email: string | null;
      /** @example CNY */
      currency: string;
      /** @enum {string} */
      language: 'en' | 'zh-CN';
    };
    TenantView: {
      /** Format: uuid */
      id: string;
      name: string;
      /** @description routing group: which channels serve this tenant */
      group: string;
      /** @example Europe/Paris */
      timezone: string;
      billingEmail: string | null;
      /** @enum {string} */
      status: 'active' | 'disabled';
      /** @description who invoices are made out to (copied into each at issue); null until filled in */
      billingProfile: components['schemas']['BillingProfileView'] | null;
      createdAt: string;
      /**
       * @description USD: the sum of the tenant’s ledger (billing)
       * @example 12.5
       */
      balanceUsd: string;
    };
    TenantPage: {
      items: components['schemas']['TenantView'][];
      total: number;
    };
    CreateTenantDto: {
      /** @example Acme Inc. */
      name: string;
      /** @default default */
      group?: string;
      /**
       * @default UTC
       * @example Europe/Paris
       */
      timezone?: string;
      /** Format: email */
      billingEmail?: string | null;
    };
    BillingProfileDto: {
      /** @example 北京示例科技有限公司 */
      legalName?: string | null;
      address?: string | null;
      /**
       * @description ISO 3166-1 alpha-2
       * @example CN
       */
      country?: string | null;
      taxId?: string | null;
      /**
       * Format: email
       * @description where invoices are mailed; null: the tenant’s billingEmail
       */
      email?: string | null;
      /**
       * @description ISO 4217: the invoices’ currency
       * @default USD
       * @example CNY
       */
      currency?: string;
      /**
       * @description the invoices’ language
       * @default en
       * @enum {string}
       */
      language?: 'en' | 'zh-CN';
    };
    UpdateTenantDto: {
      name?: string;
      /** @description super admin only */
      group?: string;
      /** @example Europe/Paris */
      timezone?: string;
      /**
       * Format: email
       * @description null clears it
       */
      billingEmail?: string | null;
      /**
       * @description super admin only; disabling logs every member out
       * @enum {string}
       */
      status?: 'active' | 'disabled';
      /** @description the owner and finance keep it; fields left out keep their values; null clears it */
      billingProfile?: components['schemas']['BillingProfileDto'] | null;
    };
    UserPage: {
      items: components['schemas']['UserView'][];
      total: number;
    };
    CreateUserDto: {
      /** Format: email */
      email: string;
      /** Format: password */
      password: string;
      /**
       * Format: uuid
       * @description required when a super admin creates a tenant user; null for a super admin
       */
      tenantId?: string | null;
      /** @enum {string} */
      role: 'super_admin' | 'owner' | 'admin' | 'member' | 'finance';
      name?: string | null;
    };
    UpdateUserDto: {
      /** @enum {string} */
      role?: 'super_admin' | 'owner' | 'admin' | 'member' | 'finance';
      /**
       * Format: uuid
       * @description super admin only: move the user to another tenant (null with role super_admin)
       */
      tenantId?: string | null;
      disabled?: boolean;
      /** @description null clears it */
      name?: string | null;
      /** Format: password */
      password?: string;
    };
    AuditLogView: {
      /** Format: uuid */
      id: string;
      /** @enum {string} */
      action: 'create' | 'update' | 'delete';
      entityType: string;
      entityId: string;
      /**
       * Format: uuid
       * @description null for platform-level things
       */
      tenantId: string | null;
      /** Format: uuid */
      actorUserId: string | null;
      actorEmail: string | null;
      before: {
        [key: string]: unknown;
      } | null;
      after: {
        [key: string]: unknown;
      } | null;
      ip: string | null;
      requestId: string | null;
      createdAt: string;
    };
    AuditLogPage: {
      items: components['schemas']['AuditLogView'][];
      total: number;
    };
    TokenView: {
      /** Format: uuid */
      id: string;
      /** Format: uuid */
      tenantId: string;
      /**
       * Format: uuid
       * @description The member who owns it
       */
      userId: string | null;
      name: string;
      /** @example sk-…abcd */
      maskedKey: string;
      /**
       * @description null = unlimited
       * @example 25
       */
      quotaUsd: string | null;
      /** @example 0.000123 */
      usedUsd: string;
      /** Format: date-time */
      expiresAt: string | null;
      models: string[];
      ipAllowlist: string[];
      rpm: number | null;
      tpm: number | null;
      /** @enum {string} */
      status: 'active' | 'disabled' | 'revoked';
      /**
       * @description Why a revoked token stopped: its owner was removed, disabled, made finance or moved
       * @enum {string|null}
       */
      revokedReason: 'owner_removed' | 'owner_disabled' | 'owner_role_finance' | 'owner_moved' | null;
      /** Format: date-time */
      lastUsedAt: string | null;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
    };
    TokenListView: {
      items: components['schemas']['TokenView'][];
      total: number;
    };
    CreateTokenDto: {
      /**
       * @description Spend cap in USD as a decimal string; null = unlimited (as is leaving it out on create).
       * @example 25.00
       */
      quotaUsd?: string | null;
      /**
       * Format: date-time
       * @description ISO 8601, in the future; null = never expires (as does leaving it out on create).
       */
      expiresAt?: string | null;
      /** @description Models this token may call; empty = every model of the tenant. */
      models?: string[];
      /**
       * @description CIDRs the token may be used from (a bare address = /32 or /128); empty = anywhere.
       * @example [
       *       "10.0.0.0/8",
       *       "2001:db8::/32",
       *       "203.0.113.7"
       *     ]
       */
      ipAllowlist?: string[];
      /** @description Requests per minute; null = no limit. */
      rpm?: number | null;
      /** @description Tokens per minute; null = no limit. */
      tpm?: number | null;
      /**
       * Format: uuid
       * @description Required for a super admin; anyone else creates in their own tenant.
       */
      tenantId?: string;
      /** @example CI pipeline */
      name: string;
      /**
       * @default active
       * @enum {string}
       */
      status?: 'active' | 'disabled';
    };
    CreatedTokenView: {
      /** Format: uuid */
      id: string;
      /** Format: uuid */
      tenantId: string;
      /**
       * Format: uuid
       * @description The member who owns it
       */
      userId: string | null;
      name: string;
      /** @example sk-…abcd */
      maskedKey: string;
      /**
       * @description null = unlimited
       * @example 25
       */
      quotaUsd: string | null;
      /** @example 0.000123 */
      usedUsd: string;
      /** Format: date-time */
      expiresAt: string | null;
      models: string[];
      ipAllowlist: string[];
      rpm: number | null;
      tpm: number | null;
      /** @enum {string} */
      status: 'active' | 'disabled' | 'revoked';
      /**
       * @description Why a revoked token stopped: its owner was removed, disabled, made finance or moved
       * @enum {string|null}
       */
      revokedReason: 'owner_removed' | 'owner_disabled' | 'owner_role_finance' | 'owner_moved' | null;
      /** Format: date-time */
      lastUsedAt: string | null;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
      /**
       * @description The full key. Shown once: store it now, it cannot be read again.
       * @example sk-…
       */
      key: string;
    };
    UpdateTokenDto: {
      /**
       * @description Spend cap in USD as a decimal string; null = unlimited (as is leaving it out on create).
       * @example 25.00
       */
      quotaUsd?: string | null;
      /**
       * Format: date-time
       * @description ISO 8601, in the future; null = never expires (as does leaving it out on create).
       */
      expiresAt?: string | null;
      /** @description Models this token may call; empty = every model of the tenant. */
      models?: string[];
      /**
       * @description CIDRs the token may be used from (a bare address = /32 or /128); empty = anywhere.
       * @example [
       *       "10.0.0.0/8",
       *       "2001:db8::/32",
       *       "203.0.113.7"
       *     ]
       */
      ipAllowlist?: string[];
      /** @description Requests per minute; null = no limit. */
      rpm?: number | null;
      /** @description Tokens per minute; null = no limit. */
      tpm?: number | null;
      name?: string;
      /** @enum {string} */
      status?: 'active' | 'disabled';
    };
    FreeTierCapsView: {
      /** @description when the figures were read from the source (YYYY-MM-DD) */
      takenOn: string;
      source: string;
      /** @description caps on the whole key, every model together */
      keyLimits?: {
        rpm?: number;
        tpm?: number;
        rpd?: number;
        tpd?: number;
      };
      /** @description caps per model on one key (a key’s modelLimits) */
      modelLimits: {
        [key: string]: {
          rpm?: number;
          tpm?: number;
          rpd?: number;
          tpd?: number;
        };
      };
      /**
       * @description the IANA time zone whose midnight resets the daily caps (the channel’s dayResetZone default)
       * @example America/Los_Angeles
       */
      dayResetZone: string;
    };
    ChannelPresetView: {
      id: string;
      label: string;
      /** @enum {string} */
      type: 'openai' | 'azure-openai' | 'anthropic' | 'gemini';
      baseUrl: string;
      note?: string;
      settings?: {
        [key: string]: unknown;
      };
      /** @description the provider’s published free-tier caps */
      freeTier?: components['schemas']['FreeTierCapsView'];
    };
    KeyStatusCounts: {
      enabled: number;
      disabled: number;
      auto_disabled: number;
    };
    KeyHealthCounts: {
      unknown: number;
      healthy: number;
      rate_limited: number;
      invalid: number;
      error: number;
    };
    ChannelView: {
      /** Format: uuid */
      id: string;
      name: string;
      /** @enum {string} */
      type: 'openai' | 'azure-openai' | 'anthropic' | 'gemini';
      baseUrl: string;
      models: string[];
      modelMapping: {
        [key: string]: string;
      };
      /** @description higher is tried first */
      priority: number;
      weight: number;
      groups: string[];
      /** @enum {string} */
      status: 'enabled' | 'disabled' | 'auto_disabled';
      /** @description why the probes auto-disabled the channel (status auto_disabled); null otherwise */
      disabledReason: string | null;
      timeoutMs: number;
      probeIntervalS: number;
      /** @description the time zone set for the keys’ daily caps; null: the provider’s (effectiveDayResetZone) */
      dayResetZone: string | null;
      /**
       * @description the IANA time zone whose midnight resets the keys’ daily caps (rpd, tpd), default applied
       * @example America/Los_Angeles
       */
      effectiveDayResetZone: string;
      settings: {
        [key: string]: unknown;
      };
      keyCount: number;
      keysByStatus: components['schemas']['KeyStatusCounts'];
      keysByHealth: components['schemas']['KeyHealthCounts'];
      createdAt: string;
      updatedAt: string;
    };
    ChannelListView: {
      items: components['schemas']['ChannelView'][];
      total: number;
    };
    ChannelSettingsDto: {
      /**
       * @description azure-openai: the api-version query parameter (default 2024-10-21)
       * @example 2024-10-21
       */
      apiVersion?: string;
      /**
       * @description anthropic: the anthropic-version header (default 2023-06-01)
       * @example 2023-06-01
       */
      anthropicVersion?: string;
      /**
       * @description openai, azure-openai: the field that carries the output ceiling upstream. Left out: `max_completion_tokens` for upstream models named like OpenAI reasoning models (o1, o3, gpt-5…), else `max_tokens` — set it for an Azure deployment whose name does not say which model it runs
       * @enum {string}
       */
      maxTokensField?: 'max_tokens' | 'max_completion_tokens';
      /**
       * @description what the scheduled health probe sends: `models` lists models (no tokens; the default, except for azure-openai), `completion` a 1-token chat — for servers whose model list needs no key
       * @enum {string}
       */
      healthCheck?: 'models' | 'completion';
    };
    CreateChannelDto: {
      /** @example openai-main */
      name: string;
      /** @enum {string} */
      type: 'openai' | 'azure-openai' | 'anthropic' | 'gemini';
      /**
       * @description http(s); a trailing slash is removed
       * @example https://api.openai.com/v1
       */
      baseUrl: string;
      /**
       * @description aliases included
       * @example [
       *       "gpt-4o",
       *       "gpt-4o-mini"
       *     ]
       */
      models: string[];
      /**
       * @description client-facing alias (listed in models) → upstream model name
       * @example {
       *       "gpt-4o": "gpt-4o-2024-11-20"
       *     }
       */
      modelMapping?: {
        [key: string]: string;
      };
      /**
       * @description higher is tried first
       * @default 0
       */
      priority?: number;
      /** @default 1 */
      weight?: number;
      /**
       * @default [
       *       "default"
       *     ]
       */
      groups?: string[];
      /**
       * @default enabled
       * @enum {string}
       */
      status?: 'enabled' | 'disabled';
      /** @default 60000 */
      timeoutMs?: number;
      /** @default 300 */
      probeIntervalS?: number;
      /**
       * @description IANA time zone whose midnight resets the keys’ daily caps (rpd, tpd, modelLimits’ too); null or left out: the provider’s (America/Los_Angeles for gemini, UTC otherwise)
       * @example America/Los_Angeles
       */
      dayResetZone?: string | null;
      settings?: components['schemas']['ChannelSettingsDto'];
    };
    UpdateChannelDto: {
      /** @example openai-main */
      name?: string;
      /** @enum {string} */
      type?: 'openai' | 'azure-openai' | 'anthropic' | 'gemini';
      /**
       * @description http(s); a trailing slash is removed
       * @example https://api.openai.com/v1
       */
      baseUrl?: string;
      /**
       * @description aliases included
       * @example [
       *       "gpt-4o",
       *       "gpt-4o-mini"
       *     ]
       */
      models?: string[];
      /**
       * @description client-facing alias (listed in models) → upstream model name
       * @example {
       *       "gpt-4o": "gpt-4o-2024-11-20"
       *     }
       */
      modelMapping?: {
        [key: string]: string;
      };
      /**
       * @description higher is tried first
       * @default 0
       */
      priority?: number;
      /** @default 1 */
      weight?: number;
      /**
       * @default [
       *       "default"
       *     ]
       */
      groups?: string[];
      /**
       * @default enabled
       * @enum {string}
       */
      status?: 'enabled' | 'disabled';
      /** @default 60000 */
      timeoutMs?: number;
      /** @default 300 */
      probeIntervalS?: number;
      /**
       * @description IANA time zone whose midnight resets the keys’ daily caps (rpd, tpd, modelLimits’ too); null or left out: the provider’s (America/Los_Angeles for gemini, UTC otherwise)
       * @example America/Los_Angeles
       */
      dayResetZone?: string | null;
      settings?: components['schemas']['ChannelSettingsDto'];
    };
    TestChannelDto: {
      /** @description one of the channel’s models (default: its first); mapped through modelMapping */
      model?: string;
      /**
       * Format: uuid
       * @description default: the highest-priority enabled key
       */
      keyId?: string;
    };
    ChannelTestResultView: {
      /** @description true when the key answered (result healthy) */
      ok: boolean;
      /** @enum {string} */
      result: 'healthy' | 'rate_limited' | 'invalid' | 'error';
      /** @description upstream HTTP status; null when none came */
      status: number | null;
      latencyMs: number;
      /** @description upstream error text with every secret masked, or "ok" */
      message: string;
      /** @description the model as clients name it */
      model: string;
      /** @description the model sent upstream (after modelMapping) */
      upstreamModel: string;
      /** Format: uuid */
      keyId: string;
      /** @example sk-…abcd */
      maskedKey: string;
      checkedAt: string;
    };
    ChannelKeyView: {
      /** Format: uuid */
      id: string;
      /** Format: uuid */
      channelId: string;
      label: string;
      /** @example sk-…abcd */
      maskedKey: string;
      /** @description master key version the key is encrypted under */
      keyVersion: number;
      priority: number;
      weight: number;
      rpm: number | null;
      tpm: number | null;
      rpd: number | null;
      tpd: number | null;
      /** @enum {string} */
      status: 'enabled' | 'disabled' | 'auto_disabled';
      /** @enum {string} */
      health: 'unknown' | 'healthy' | 'rate_limited' | 'invalid' | 'error';
      /** @description when the last probe (or test) ran */
      lastCheckedAt: string | null;
      /** @description how long the last probe (or test) took, ms */
      latencyMs: number | null;
      /** @description scheduled probes in a row that found the key invalid or erroring */
      consecutiveFailures: number;
      /** @description why the probes auto-disabled the key (status auto_disabled); null otherwise */
      disabledReason: string | null;
      /** @description the relay skips the key until then */
      cooldownUntil: string | null;
      /** @description `rate_limited` (a 429) or `out_of_credit` (402, insufficient_quota) while cooling */
      cooldownReason: string | null;
      /** @description models cooling on this key only (a 429 for that model), until when */
      modelCooldowns: {
        [key: string]: string;
      };
      /** @description the upstream refused the key (401/403): no relay takes it until then (it is auto-disabled) */
      refusedUntil: string | null;
      /** @description caps per upstream model */
      modelLimits: {
        [key: string]: {
          rpm?: number;
          tpm?: number;
          rpd?: number;
          tpd?: number;
        };
      };
      last429At: string | null;
      totalRequests: number;
      totalTokens: number;
      createdAt: string;
      updatedAt: string;
    };
    ChannelKeyListView: {
      items: components['schemas']['ChannelKeyView'][];
      total: number;
    };
    ChannelKeyProbeView: {
      /** Format: uuid */
      id: string;
      /** Format: uuid */
      keyId: string;
      /**
       * @description scheduled, early (a guessed cooldown), manual (test)
       * @enum {string}
       */
      trigger: 'scheduled' | 'early' | 'manual';
      /** @enum {string} */
      result: 'healthy' | 'rate_limited' | 'invalid' | 'error';
      /** @description the upstream’s HTTP status; null if none came */
      httpStatus: number | null;
      latencyMs: number;
      /** @description "ok" or the upstream’s error, secrets masked */
      message: string;
      checkedAt: string;
    };
    ChannelKeyProbeListView: {
      items: components['schemas']['ChannelKeyProbeView'][];
      total: number;
    };
    CreateChannelKeysDto: {
      /** @default  */
      label?: string;
      /**
       * @description higher is tried first
       * @default 0
       */
      priority?: number;
      /** @default 1 */
      weight?: number;
      /** @description requests per minute; null = no limit */
      rpm?: number | null;
      /** @description tokens per minute; null = no limit */
      tpm?: number | null;
      /** @description requests per day; null = no limit */
      rpd?: number | null;
      /** @description tokens per day; null = no limit */
      tpd?: number | null;
      /**
       * @default enabled
       * @enum {string}
       */
      status?: 'enabled' | 'disabled';
      /**
       * @description caps per upstream model, beside the key’s own; replaces the whole map ({} removes them)
       * @example {
       *       "llama-3.3-70b-versatile": {
       *         "rpm": 30,
       *         "rpd": 1000,
       *         "tpm": 12000,
       *         "tpd": 100000
       *       }
       *     }
       */
      modelLimits?: {
        [key: string]: {
          rpm?: number;
          tpm?: number;
          rpd?: number;
          tpd?: number;
        };
      };
      /**
       * Format: password
       * @description one key (or use keys)
       */
      key?: string;
      /** @description many keys at once (or use key) */
      keys?: string[];
    };
    UpdateChannelKeyDto: {
      /** @default  */
      label?: string;
      /**
       * @description higher is tried first
       * @default 0
       */
      priority?: number;
      /** @default 1 */
      weight?: number;
      /** @description requests per minute; null = no limit */
      rpm?: number | null;
      /** @description tokens per minute; null = no limit */
      tpm?: number | null;
      /** @description requests per day; null = no limit */
      rpd?: number | null;
      /** @description tokens per day; null = no limit */
      tpd?: number | null;
      /**
       * @default enabled
       * @enum {string}
       */
      status?: 'enabled' | 'disabled';
      /**
       * @description caps per upstream model, beside the key’s own; replaces the whole map ({} removes them)
       * @example {
       *       "llama-3.3-70b-versatile": {
       *         "rpm": 30,
       *         "rpd": 1000,
       *         "tpm": 12000,
       *         "tpd": 100000
       *       }
       *     }
       */
      modelLimits?: {
        [key: string]: {
          rpm?: number;
          tpm?: number;
          rpd?: number;
          tpd?: number;
        };
      };
      /** Format: password */
      key?: string;
    };
    ChainMemberView: {
      model: string;
      /** @description some enabled channel with an enabled key serves it (as a model or an alias) */
      servable: boolean;
      /** @description the groups it is served to; requests of other groups skip it */
      groups: string[];
      /**
       * @description why it is not servable (null when it is): no channel lists it or its alias, only disabled channels do, or those enabled have no enabled key
       * @enum {string|null}
       */
      reason: 'not_served' | 'channels_disabled' | 'no_enabled_key' | null;
    };
    ModelChainView: {
      /** Format: uuid */
      id: string;
      name: string;
      /** @description tried in this order */
      models: string[];
      /** @description each model with its servability, in order */
      members: components['schemas']['ChainMemberView'][];
      fallbackFor: string[];
      /** @description groups whose `auto` is this chain */
      defaultFor: string[];
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
    };
    ModelChainListView: {
      items: components['schemas']['ModelChainView'][];
      total: number;
    };
    CreateModelChainDto: {
      /**
       * @description what clients ask for; not "auto"
       * @example free-chat
       */
      name: string;
      /**
       * @description the models to try, in order
       * @example [
       *       "meta-llama/llama-3.3-70b-instruct:free",
       *       "gemini-2.0-flash",
       *       "qwen-2.5-72b"
       *     ]
       */
      models: string[];
      /**
       * @description models whose own candidates, once all exhausted, fall back to this chain
       * @example [
       *       "gpt-4o-mini"
       *     ]
       */
      fallbackFor?: string[];
    };
    UpdateModelChainDto: {
      /**
       * @description what clients ask for; not "auto"
       * @example free-chat
       */
      name?: string;
      /**
       * @description the models to try, in order
       * @example [
       *       "meta-llama/llama-3.3-70b-instruct:free",
       *       "gemini-2.0-flash",
       *       "qwen-2.5-72b"
       *     ]
       */
      models?: string[];
      /**
       * @description models whose own candidates, once all exhausted, fall back to this chain
       * @example [
       *       "gpt-4o-mini"
       *     ]
       */
      fallbackFor?: string[];
    };
    GroupRoutingView: {
      group: string;
      /** @description the chain `auto` means; null: none */
      defaultChain: string | null;
      /** @description conversations without x-session-id are recognised by their leading messages */
      hashedSessions: boolean;
    };
    SetDefaultChainDto: {
      /**
       * @description the chain `model: "auto"` means for the group; null: `auto` is not served
       * @example free-chat
       */
      chain: string | null;
    };
    SetHashedSessionsDto: {
      /** @description without x-session-id, keep a conversation (recognised by its leading messages) on its key; false spreads every request */
      enabled: boolean;
    };
    PriceView: {
      /**
       * @description USD per 1M uncached prompt tokens
       * @example 2.5
       */
      inputPer1M: string;
      /**
       * @description USD per 1M cached prompt tokens
       * @example 1.25
       */
      cachedInputPer1M: string;
      /**
       * @description USD per 1M prompt tokens written to the provider's cache; null: they cost inputPer1M
       * @example null
       */
      cacheWritePer1M: string | null;
      /**
       * @description USD per 1M completion tokens
       * @example 10
       */
      outputPer1M: string;
      /**
       * @description USD per 1M reasoning tokens; null: they cost outputPer1M
       * @example null
       */
      reasoningPer1M: string | null;
      /**
       * @description USD per request
       * @example 0
       */
      perRequest: string;
      /**
       * @description USD per image; null: not priced per image
       * @example null
       */
      perImage: string | null;
      /**
       * @description USD per image by size (or "size/quality"), overriding perImage
       * @example null
       */
      perImageBySize: {
        [key: string]: string;
      } | null;
      /**
       * @description USD per second of input audio
       * @example null
       */
      perAudioSecond: string | null;
      /**
       * @description USD per 1M characters of speech input
       * @example null
       */
      charactersPer1M: string | null;
      effectiveFrom: string;
    };
    CatalogModelView: {
      /**
       * @description the name clients send (aliases included)
       * @example gpt-4o
       */
      id: string;
      /** @description enabled channels serving it */
      channels: number;
      /**
       * @example [
       *       "openai"
       *     ]
       */
      types: string[];
      /** @description groups served (for a tenant: only its own) */
      groups: string[];
      price: components['schemas']['PriceView'] | null;
    };
    CatalogListView: {
      items: components['schemas']['CatalogModelView'][];
      total: number;
    };
    SetPriceDto: {
      /**
       * @description USD per 1M prompt tokens that were not cached
       * @example 2.5
       */
      inputPer1M: string;
      /**
       * @description USD per 1M cached prompt tokens (default: inputPer1M)
       * @example 1.25
       */
      cachedInputPer1M?: string;
      /**
       * @description USD per 1M prompt tokens written to the provider's cache (Anthropic's cache_creation_input_tokens); null or left out: inputPer1M
       * @example 3.125
       */
      cacheWritePer1M?: string | null;
      /**
       * @description USD per 1M completion tokens
       * @example 10
       */
      outputPer1M: string;
      /**
       * @description USD per 1M reasoning tokens (part of the completion tokens); null or left out: outputPer1M
       * @example 15
       */
      reasoningPer1M?: string | null;
      /**
       * @description USD per image on /v1/images/*; null or left out: images are not priced per image
       * @example 0.04
       */
      perImage?: string | null;
      /**
       * @description USD per image by size, or by size and quality ("1024x1024/hd"); overrides perImage for the sizes it names
       * @example {
       *       "1024x1024": "0.04",
       *       "1024x1792": "0.08",
       *       "1024x1024/hd": "0.08"
       *     }
       */
      perImageBySize?: {
        [key: string]: string;
      } | null;
      /**
       * @description USD per second of input audio on /v1/audio/transcriptions and /translations
       * @example 0.0001
       */
      perAudioSecond?: string | null;
      /**
       * @description USD per 1M input characters on /v1/audio/speech
       * @example 15
       */
      charactersPer1M?: string | null;
      /**
       * @description USD per request, on top of tokens (default 0)
       * @example 0
       */
      perRequest?: string;
    };
    ModelPriceView: {
      /**
       * @description USD per 1M uncached prompt tokens
       * @example 2.5
       */
      inputPer1M: string;
      /**
       * @description USD per 1M cached prompt tokens
       * @example 1.25
       */
      cachedInputPer1M: string;
      /**
       * @description USD per 1M prompt tokens written to the provider's cache; null: they cost inputPer1M
       * @example null
       */
      cacheWritePer1M: string | null;
      /**
       * @description USD per 1M completion tokens
       * @example 10
       */
      outputPer1M: string;
      /**
       * @description USD per 1M reasoning tokens; null: they cost outputPer1M
       * @example null
       */
      reasoningPer1M: string | null;
      /**
       * @description USD per request
       * @example 0
       */
      perRequest: string;
      /**
       * @description USD per image; null: not priced per image
       * @example null
       */
      perImage: string | null;
      /**
       * @description USD per image by size (or "size/quality"), overriding perImage
       * @example null
       */
      perImageBySize: {
        [key: string]: string;
      } | null;
      /**
       * @description USD per second of input audio
       * @example null
       */
      perAudioSecond: string | null;
      /**
       * @description USD per 1M characters of speech input
       * @example null
       */
      charactersPer1M: string | null;
      effectiveFrom: string;
      /** Format: uuid */
      id: string;
      model: string;
      /** Format: uuid */
      createdBy: string | null;
      createdAt: string;
    };
    PreviewLineView: {
      /** @description tokens billed at this rate */
      tokens: string;
      /** @description USD per 1M tokens */
      ratePer1M: string;
      /** @description exact, before rounding (up to 15 decimal places) */
      costUsd: string;
    };
    PreviewBreakdownView: {
      /** @description promptTokens − cachedTokens − cacheWriteTokens at inputPer1M */
      input: components['schemas']['PreviewLineView'];
      cachedInput: components['schemas']['PreviewLineView'];
      /** @description cacheWriteTokens at cacheWritePer1M (or inputPer1M) */
      cacheWrite: components['schemas']['PreviewLineView'];
      /** @description completionTokens − reasoningTokens at outputPer1M */
      output: components['schemas']['PreviewLineView'];
      /** @description reasoningTokens at reasoningPer1M (or outputPer1M) */
      reasoning: components['schemas']['PreviewLineView'];
      /** @description sum of the five, rounded half up to whole nano-USD */
      tokensUsd: string;
      perRequestUsd: string;
    };
    PreviewUnitLineView: {
      /** @enum {string} */
      unit: 'tokens' | 'images' | 'audio_seconds' | 'characters' | 'requests';
      /**
       * @description units billed
       * @example 2
       */
      quantity: string;
      /** @description USD per unit (per 1M for characters); null when billed by tokens or per request */
      rate: string | null;
      /** @description what the request costs, per request fee included */
      costUsd: string;
    };
    PricePreviewView: {
      model: string;
      /**
       * @description what such a request costs, in USD
       * @example 0.008505
       */
      costUsd: string;
      breakdown: components['schemas']['PreviewBreakdownView'];
      price: components['schemas']['PriceView'];
      /** @description set when images, audioSeconds or characters were asked: the unit the request bills in (costUsd is then this line's) */
      billed: components['schemas']['PreviewUnitLineView'] | null;
      /** @example token part rounded once, half up, to 0.000000001 USD; perRequest added after */
      rounding: string;
    };
    ModelPriceListView: {
      items: components['schemas']['ModelPriceView'][];
      total: number;
    };
    ImportNewApiDto: {
      /**
       * @description ModelRatio: 1 = $2 per 1M prompt tokens at the default QuotaPerUnit
       * @example {
       *       "gpt-4o": 1.25,
       *       "gpt-4o-mini": 0.075
       *     }
       */
      modelRatio: {
        [key: string]: number;
      };
      /**
       * @description CompletionRatio: output price = input price × ratio (default 1)
       * @example {
       *       "gpt-4o": 4
       *     }
       */
      completionRatio?: {
        [key: string]: number;
      };
      /**
       * @description CacheRatio: cached prompt price = input price × ratio (default 1)
       * @example {
       *       "gpt-4o": 0.5
       *     }
       */
      cacheRatio?: {
        [key: string]: number;
      };
      /**
       * @description ModelPrice: USD per call, instead of the model's ratios (as in NewAPI): per request, or per image for a dall-e model (at NewAPI's size and quality ratios)
       * @example {
       *       "dall-e-3": 0.04
       *     }
       */
      modelPrice?: {
        [key: string]: number;
      };
      /**
       * @description QuotaPerUnit: quota per USD
       * @default 500000
       */
      quotaPerUnit?: number;
    };
    ImportedPriceView: {
      /**
       * @description USD per 1M uncached prompt tokens
       * @example 2.5
       */
      inputPer1M: string;
      /**
       * @description USD per 1M cached prompt tokens
       * @example 1.25
       */
      cachedInputPer1M: string;
      /**
       * @description USD per 1M prompt tokens written to the provider's cache; null: they cost inputPer1M
       * @example null
       */
      cacheWritePer1M: string | null;
      /**
       * @description USD per 1M completion tokens
       * @example 10
       */
      outputPer1M: string;
      /**
       * @description USD per 1M reasoning tokens; null: they cost outputPer1M
       * @example null
       */
      reasoningPer1M: string | null;
      /**
       * @description USD per request
       * @example 0
       */
      perRequest: string;
      /**
       * @description USD per image; null: not priced per image
       * @example null
       */
      perImage: string | null;
      /**
       * @description USD per image by size (or "size/quality"), overriding perImage
       * @example null
       */
      perImageBySize: {
        [key: string]: string;
      } | null;
      /**
       * @description USD per second of input audio
       * @example null
       */
      perAudioSecond: string | null;
      /**
       * @description USD per 1M characters of speech input
       * @example null
       */
      charactersPer1M: string | null;
      effectiveFrom: string;
      /** Format: uuid */
      id: string;
      model: string;
      /** Format: uuid */
      createdBy: string | null;
      createdAt: string;
      /** @description true when a price was rounded (half up) to whole nano-USD */
      rounded: boolean;
    };
    KeptPriceView: {
      model: string;
      /** @example changed here since the last import, and not in the source: left as set here */
      reason: string;
    };
    NewApiImportView: {
      /** @example 500000 */
      quotaPerUnit: string;
      /** @description the prices added, effective now */
      set: components['schemas']['ImportedPriceView'][];
      /** @description models whose current price already was the converted one */
      unchanged: string[];
      /** @description a re-run of a migration: models whose price was changed here since the last import, left as they are */
      kept: components['schemas']['KeptPriceView'][];
      /** @description a dry run of a migration: the models whose price the run would set (`set` stays empty) */
      wouldSet?: string[];
      /** @description models named only in completionRatio or cacheRatio: without a model ratio there is no price */
      ignored: string[];
    };
    LedgerEntryView: {
      /** Format: uuid */
      id: string;
      /** Format: uuid */
      tenantId: string;
      /** @enum {string} */
      kind: 'topup' | 'redemption' | 'adjustment' | 'refund' | 'usage' | 'plan_allowance';
      /**
       * @description signed: credits positive, usage debits negative
       * @example 25
       */
      amountUsd: string;
      /**
       * @description the tenant’s balance right after this line
       * @example 125.5
       */
      balanceAfterUsd: string;
      /**
       * @description position among the tenant’s credit-side lines (1, 2, …); null for usage debits
       * @example 3
       */
      creditSeq: string | null;
      /** @description what the line is about: the request id of a usage debit, the redemption code’s id, … */
      ref: string | null;
      note: string | null;
      /**
       * Format: uuid
       * @description the user who wrote it
       */
      createdBy: string | null;
      createdAt: string;
    };
    LedgerPageView: {
      items: components['schemas']['LedgerEntryView'][];
      total: number;
    };
    TenantBalanceView: {
      /** Format: uuid */
      tenantId: string;
      /**
       * @description the sum of the ledger
       * @example 74.5
       */
      balanceUsd: string;
      /**
       * @description top-ups, redemptions, refunds and adjustments (adjustments may be negative)
       * @example 100
       */
      creditsUsd: string;
      /**
       * @description usage debits, as a positive amount
       * @example 25.5
       */
      debitsUsd: string;
    };
    CreateTopupDto: {
      /**
       * @description USD, > 0 and ≤ 1000000, at most 9 decimal places
       * @example 25
       */
      amountUsd: string;
      /** @example wire transfer 2026-11-21 */
      note?: string;
    };
    CreateAdjustmentDto: {
      /**
       * @description USD, non-zero, negative to take money back; |amount| ≤ 1000000, at most 9 decimal places
       * @example -1.5
       */
      amountUsd: string;
      /** @example refund of a duplicated top-up */
      note: string;
    };
    CreateRedemptionCodesDto: {
      /** @example 10 */
      count: number;
      /**
       * @description USD each code is worth, > 0 and ≤ 1000000
       * @example 10
       */
      amountUsd: string;
      /**
       * Format: date-time
       * @description after this the codes cannot be redeemed
       */
      expiresAt?: string;
      /** @example launch promotion */
      note?: string;
    };
    CreatedRedemptionCodeView: {
      /** Format: uuid */
      id: string;
      /** Format: uuid */
      batchId: string;
      /**
       * @description first and last characters of the code
       * @example K7Q2…9XZA
       */
      maskedCode: string;
      /** @example 10 */
      amountUsd: string;
      /** @enum {string} */
      status: 'unused' | 'redeemed' | 'expired' | 'disabled';
      expiresAt: string | null;
      note: string | null;
      /** Format: uuid */
      createdBy: string | null;
      createdAt: string;
      redeemedAt: string | null;
      /** Format: uuid */
      redeemedTenantId: string | null;
      /** Format: uuid */
      redeemedBy: string | null;
      /**
       * Format: uuid
       * @description the redemption ledger line
       */
      ledgerEntryId: string | null;
      /** @description when it was disabled (never redeemable after) */
      disabledAt: string | null;
      /** Format: uuid */
      disabledBy: string | null;
      /**
       * @description the code itself: shown in this response only, never again
       * @example K7Q2-M9XD-4HRT-0WVB-PJ3N-8SZE-9XZA
       */
      code: string;
    };
    CreatedRedemptionCodesView: {
      /** Format: uuid */
      batchId: string;
      items: components['schemas']['CreatedRedemptionCodeView'][];
    };
    RedemptionCodeView: {
      /** Format: uuid */
      id: string;
      /** Format: uuid */
      batchId: string;
      /**
       * @description first and last characters of the code
       * @example K7Q2…9XZA
       */
      maskedCode: string;
      /** @example 10 */
      amountUsd: string;
      /** @enum {string} */
      status: 'unused' | 'redeemed' | 'expired' | 'disabled';
      expiresAt: string | null;
      note: string | null;
      /** Format: uuid */
      createdBy: string | null;
      createdAt: string;
      redeemedAt: string | null;
      /** Format: uuid */
      redeemedTenantId: string | null;
      /** Format: uuid */
      redeemedBy: string | null;
      /**
       * Format: uuid
       * @description the redemption ledger line
       */
      ledgerEntryId: string | null;
      /** @description when it was disabled (never redeemable after) */
      disabledAt: string | null;
      /** Format: uuid */
      disabledBy: string | null;
    };
    RedemptionCodePageView: {
      items: components['schemas']['RedemptionCodeView'][];
      total: number;
    };
    RedeemCodeDto: {
      /**
       * @description case, spaces and dashes do not matter
       * @example K7Q2-M9XD-4HRT-0WVB-PJ3N-8SZE-9XZA
       */
      code: string;
      /**
       * Format: uuid
       * @description the tenant to credit: a super admin must name it; others redeem into their own
       */
      tenantId?: string;
    };
    DisabledRedemptionBatchView: {
      /** Format: uuid */
      batchId: string;
      /** @description codes this request disabled (0 when all already were) */
      disabled: number;
      /** @description codes of the batch already redeemed, left as they are */
      redeemed: number;
    };
    GroupMultiplierView: {
      /** @example vip */
      group: string;
      /**
       * @description a request of this group costs its price × this
       * @example 1.25
       */
      multiplier: string;
      /** @description true when never set: the default of 1 applies */
      isDefault: boolean;
      /** Format: uuid */
      updatedBy: string | null;
      updatedAt: string | null;
    };
    GroupMultiplierListView: {
      items: components['schemas']['GroupMultiplierView'][];
      total: number;
    };
    SetMultiplierDto: {
      /**
       * @description a decimal string, 0 < m ≤ 100, at most 4 decimal places; 1 = list price
       * @example 1.25
       */
      multiplier: string;
    };
    PlanLimitsView: {
      requests: number | null;
      inputTokens: number | null;
      outputTokens: number | null;
      /** @example 100 */
      spendUsd: string | null;
    };
    PlanView: {
      /** Format: uuid */
      id: string;
      /** @example Pro */
      name: string;
      /**
       * @description monthly fee, USD
       * @example 20
       */
      priceUsd: string;
      limits: components['schemas']['PlanLimitsView'];
      /**
       * @description usage covered each period before the prepaid balance
       * @example 5
       */
      includedUsd: string;
      /** @enum {string} */
      status: 'active' | 'archived';
      createdAt: string;
      updatedAt: string;
    };
    PlanPageView: {
      items: components['schemas']['PlanView'][];
      total: number;
    };
    PlanLimitsDto: {
      /**
       * @description requests per period
       * @example 100000
       */
      requests?: number | null;
      /**
       * @description input tokens per period
       * @example 50000000
       */
      inputTokens?: number | null;
      /**
       * @description output tokens per period
       * @example 10000000
       */
      outputTokens?: number | null;
      /**
       * @description USD spend per period, 0 to 1000000
       * @example 100
       */
      spendUsd?: string | null;
    };
    CreatePlanDto: {
      /** @example Pro */
      name: string;
      /**
       * @description monthly fee in USD, 0 to 1000000
       * @example 20
       */
      priceUsd: string;
      /** @description monthly limits; missing = all unlimited */
      limits?: components['schemas']['PlanLimitsDto'];
      /**
       * @description usage cost covered each period before the prepaid balance is used
       * @default 0
       * @example 5
       */
      includedUsd?: string;
      /**
       * @default active
       * @enum {string}
       */
      status?: 'active' | 'archived';
    };
    UpdatePlanDto: {
      /** @example Pro */
      name?: string;
      /**
       * @description monthly fee in USD, 0 to 1000000
       * @example 20
       */
      priceUsd?: string;
      limits?: components['schemas']['PlanLimitsDto'];
      /** @example 5 */
      includedUsd?: string;
      /**
       * @description archived: existing subscribers keep it; nobody new can choose it
       * @enum {string}
       */
      status?: 'active' | 'archived';
    };
    PlanUsageView: {
      /**
       * @description requests that got an answer (decimal string)
       * @example 120
       */
      requests: string;
      /** @example 53000 */
      inputTokens: string;
      /** @example 21000 */
      outputTokens: string;
      /**
       * @description full cost of the period’s requests, USD
       * @example 1.25
       */
      spendUsd: string;
      /**
       * @description part of that the included allowance paid, USD
       * @example 1
       */
      includedUsedUsd: string;
      /**
       * @description allowance left this period, USD
       * @example 4
       */
      includedLeftUsd: string;
    };
    SubscriptionView: {
      /** Format: uuid */
      tenantId: string;
      plan: components['schemas']['PlanView'];
      /** @description day of the month the cycle starts on (in the tenant’s time zone) */
      anchorDay: number;
      /** @description start of the current period (inclusive) */
      periodStart: string;
      /** @description end of the current period (exclusive) */
      periodEnd: string;
      createdAt: string;
      updatedAt: string;
      /** @description on reads: the current period’s usage */
      usage?: components['schemas']['PlanUsageView'];
    };
    SubscriptionChangeView: {
      /** Format: uuid */
      id: string;
      /** @enum {string} */
      kind: 'subscribe' | 'switch' | 'end';
      /** Format: uuid */
      fromPlanId: string | null;
      /** Format: uuid */
      toPlanId: string | null;
      periodStart: string;
      periodEnd: string;
      /** Format: uuid */
      changedBy: string | null;
      createdAt: string;
    };
    SubscriptionChangePageView: {
      items: components['schemas']['SubscriptionChangeView'][];
      total: number;
    };
    SetSubscriptionDto: {
      /**
       * Format: uuid
       * @description an active plan
       */
      planId: string;
      /**
       * @description day of the month the cycle starts on (clamped to short months); only used when the tenant has no subscription yet — a switch keeps the current cycle
       * @default 1
       */
      anchorDay?: number;
    };
    ReconciliationMismatchView: {
      /** @enum {string} */
      kind: 'tenant' | 'allowance' | 'token';
      /** @description Tenant or token id */
      id: string;
      /** @description Sum of usage-record costs, nano-USD (decimal string) */
      recordsNano: string;
      /** @description Ledger usage debits (tenant) or used quota (token), nano-USD (decimal string) */
      booksNano: string;
    };
    ReconciliationView: {
      checkedAt: string;
      /** @description Tenants with usage or usage debits */
      tenants: number;
      /** @description Tokens checked */
      tokens: number;
      /** @description Empty when the books agree */
      mismatches: components['schemas']['ReconciliationMismatchView'][];
    };
    UsageAttemptView: {
      channelId: string;
      channelName: string;
      keyId: string;
      /** @description null: connect error or timeout */
      status: number | null;
      /** @example rate_limited */
      code: string;
    };
    UsageLogView: {
      requestId: string;
      /** Format: date-time */
      startedAt: string;
      /** Format: uuid */
      tenantId: string;
      /** Format: uuid */
      tokenId: string;
      /** @enum {string} */
      endpoint:
        | 'chat.completions'
        | 'completions'
        | 'embeddings'
        | 'responses'
        | 'messages'
        | 'generate_content'
        | 'images.generations'
        | 'images.edits'
        | 'audio.transcriptions'
        | 'audio.translations'
        | 'audio.speech'
        | 'moderations'
        | 'rerank';
      /** @description the model the client asked for */
      model: string;
      upstreamModel: string | null;
      /** @description the model that answered and was priced: a chain member for a chain or `auto`, else `model` */
      servedModel: string;
      /** Format: uuid */
      channelId: string | null;
      /** @description null when the channel no longer exists */
      channelName: string | null;
      /** Format: uuid */
      channelKeyId: string | null;
      stream: boolean;
      promptTokens: number;
      cachedTokens: number;
      /** @description prompt tokens written to the provider's cache */
      cacheWriteTokens: number;
      completionTokens: number;
      reasoningTokens: number;
      /**
       * @description upstream usage, gateway tokenizer, or none
       * @enum {string}
       */
      usageSource: 'upstream' | 'counted' | 'none';
      /**
       * @description the unit the cost was computed in
       * @enum {string}
       */
      billedUnit: 'tokens' | 'images' | 'audio_seconds' | 'characters' | 'requests';
      /**
       * @description how many of billedUnit were billed
       * @example 2
       */
      billedQuantity: number;
      /**
       * @description what was charged: at most what the request held
       * @example 0.000123
       */
      costUsd: string;
      /**
       * @description what the upstream's usage cost beyond the request's hold: recorded, not charged
       * @example 0
       */
      writtenOffUsd: string;
      latencyMs: number;
      ttftMs: number | null;
      /** @description HTTP status the client got; 499 when it went away first */
      status: number;
      errorCode: string | null;
      errorMessage: string | null;
      /** @description failed attempts before the final one */
      fallbacks: components['schemas']['UsageAttemptView'][];
    };
    UsageLogPage: {
      items: components['schemas']['UsageLogView'][];
      total: number;
    };
    UsageSummaryItemView: {
      requests: number;
      /** @description status >= 400, or a stream that ended in error */
      errors: number;
      promptTokens: number;
      cachedTokens: number;
      completionTokens: number;
      /** @example 12.345678901 */
      costUsd: string;
      /** @description null when there are no records */
      avgLatencyMs: number | null;
      p50LatencyMs: number | null;
      p95LatencyMs: number | null;
      /** @description over requests that had a first token */
      avgTtftMs: number | null;
      /** @description model name, channel/tenant/token id, hour (`2025-01-31T13:00:00Z`) or day (`2025-01-31`) in UTC; null for requests that reached no channel */
      key: string | null;
      /** @description the channel name when grouped by channel */
      label: string | null;
    };
    UsageTotalsView: {
      requests: number;
      /** @description status >= 400, or a stream that ended in error */
      errors: number;
      promptTokens: number;
      cachedTokens: number;
      completionTokens: number;
      /** @example 12.345678901 */
      costUsd: string;
      /** @description null when there are no records */
      avgLatencyMs: number | null;
      p50LatencyMs: number | null;
      p95LatencyMs: number | null;
      /** @description over requests that had a first token */
      avgTtftMs: number | null;
    };
    UsageSummaryView: {
      items: components['schemas']['UsageSummaryItemView'][];
      totals: components['schemas']['UsageTotalsView'];
    };
    ConvertedAmountsView: {
      /** @example CNY */
      currency: string;
      /** @description each line’s amount in the currency, in line order */
      lines: string[];
      /** @example 88.86 */
      subtotal: string;
      /** @example 0 */
      tax: string;
      /** @example 88.86 */
      total: string;
      /**
       * @description the total less its credit notes’ totals
       * @example 88.86
       */
      amountDue: string;
      /**
       * @description still to pay in the currency: amountDue × balanceDueUsd / amountDueUsd, half up (what paying it all online in the currency costs)
       * @example 35.62
       */
      balanceDue: string;
      /** @description how amounts were converted and rounded */
      roundingRule: string;
      /**
       * @description lines: each line rounded, tax on their sum; share_of_invoice: a credit note stating its share of what its invoice states
       * @enum {string}
       */
      rule: 'lines' | 'share_of_invoice';
    };
    RoundedUsdView: {
      /**
       * @description each line’s amount, in line order
       * @example [
       *       "12.35"
       *     ]
       */
      lines: string[];
      /**
       * @description the sum of the rounded lines
       * @example 12.35
       */
      subtotal: string;
      /**
       * @description tax on the rounded subtotal
       * @example 2.35
       */
      tax: string;
      /**
       * @description subtotal + tax
       * @example 14.70
       */
      total: string;
      /**
       * @description the total less its credit notes’ totals
       * @example 14.70
       */
      amountDue: string;
      /**
       * @description received: amountDue − balanceDue
       * @example 0
       */
      paid: string;
      /**
       * @description still to pay: amountDue × balanceDueUsd / amountDueUsd, half up
       * @example 2.35
       */
      balanceDue: string;
      /** @description how the amounts were rounded */
      roundingRule: string;
      /**
       * @description lines: each line rounded, tax on their sum; share_of_invoice: a credit note stating its share of what its invoice states
       * @enum {string}
       */
      rule: 'lines' | 'share_of_invoice';
    };
    IssuerSnapshotView: {
      legalName: string;
      address: string;
      taxId: string | null;
      email: string | null;
      paymentInstructions: string | null;
      footer: string | null;
      taxLabel: string | null;
      paymentTermsDays: number;
    };
    CustomerView: {
      legalName: string;
      address: string | null;
      country: string | null;
      taxId: string | null;
      email: string | null;
    };
    InvoiceSettlementView: {
      /** Format: uuid */
      id: string;
      /** @example 13.5 */
      amountUsd: string;
      reference: string;
      /** @enum {string} */
      source: 'manual' | 'online' | 'balance';
      paidAt: string;
      /**
       * @description what refunds and disputes of this payment took back (USD); what stands is amountUsd less it
       * @example 0
       */
      reversedUsd: string;
    };
    InvoiceDeliveryView: {
      /** @enum {string} */
      status: 'pending' | 'sent' | 'failed' | 'skipped';
      recipient: string | null;
      attempts: number;
      lastError: string | null;
      /**
       * @description why a skipped delivery was skipped (lastError says it in English)
       * @enum {string|null}
       */
      skipReason: 'no_smtp' | 'no_recipient' | null;
      sentAt: string | null;
    };
    UnitPricesView: {
      /**
       * @description USD per 1M input tokens
       * @example 0.15
       */
      inputPer1M: string;
      /**
       * @description USD per 1M cached input tokens
       * @example 0.075
       */
      cachedPer1M: string;
      /**
       * @description USD per 1M output tokens
       * @example 0.6
       */
      outputPer1M: string;
      /**
       * @description USD per request
       * @example 0
       */
      perRequest: string;
      /** @description the price changed in the period: these are the last; the amount is exact */
      changedInPeriod: boolean;
    };
    InvoiceLineView: {
      /** @enum {string} */
      kind: 'usage' | 'write_off' | 'plan_fee' | 'plan_allowance' | 'credit';
      /** @example gpt-4o-mini */
      description: string;
      /** @description usage lines: the model */
      model: string | null;
      requests: number | null;
      /** @example 120000 */
      inputTokens: string | null;
      /** @example 0 */
      cachedTokens: string | null;
      /**
       * @description usage lines: prompt tokens written to the provider's cache (null on invoices issued before they were metered apart)
       * @example 0
       */
      cacheWriteTokens: string | null;
      /** @example 3400 */
      outputTokens: string | null;
      /**
       * @description USD, every nano-dollar; a usage line at its prices, negative for what a plan included or what was written off beyond the holds
       * @example 0.0123
       */
      amountUsd: string;
      /** @description usage lines: the unit prices charged */
      unitPrices: components['schemas']['UnitPricesView'] | null;
    };
    InvoicePaymentView: {
      /** Format: uuid */
      ledgerEntryId: string;
      /**
       * @description the ledger kind: topup, redemption, adjustment, refund
       * @example topup
       */
      kind: string;
      date: string;
      note: string | null;
      /** @example 25 */
      amountUsd: string;
    };
    InvoiceView: {
      /** Format: uuid */
      id: string;
      /** @enum {string} */
      kind: 'invoice' | 'credit_note';
      /** @example INV-2026-000001 */
      number: string;
      /** Format: uuid */
      tenantId: string;
      /** @example 2026-10 */
      period: string;
      periodStart: string;
      periodEnd: string;
      /** @example Asia/Shanghai */
      timezone: string;
      /**
       * @description open until paid or credited in full (a credit note is `credited`)
       * @enum {string}
       */
      status: 'open' | 'paid' | 'credited';
      /**
       * @description ISO 4217: what the invoice is stated in; *Usd fields stay USD
       * @example CNY
       */
      currency: string;
      /**
       * @description units of currency per USD, fixed at issue
       * @example 7.1234
       */
      exchangeRate: string | null;
      /**
       * @description the month whose rate was used
       * @example 2026-10
       */
      exchangeRatePeriod: string | null;
      /** @description the amounts in `currency` (null for USD) */
      converted: components['schemas']['ConvertedAmountsView'] | null;
      /** @description the USD amounts as the invoice states them, to the cent (the *Usd fields keep every nano-dollar) */
      roundedUsd: components['schemas']['RoundedUsdView'];
      /**
       * @description the PDF’s language
       * @example zh-CN
       */
      language: string;
      /** @description the issuer as it was at issue */
      issuer: components['schemas']['IssuerSnapshotView'] | null;
      /** @description the customer as it was at issue */
      customer: components['schemas']['CustomerView'] | null;
      /** @description issue date + the payment terms */
      dueAt: string | null;
      /**
       * @description USD: total less credit notes
       * @example 13.5
       */
      amountDueUsd: string;
      /**
       * @description USD received (payments recorded against it)
       * @example 0
       */
      paidUsd: string;
      /**
       * @description USD still to pay
       * @example 13.5
       */
      balanceDueUsd: string;
      /** @description payments received against this invoice */
      settlements: components['schemas']['InvoiceSettlementView'][];
      /** @description the email to the customer */
      delivery: components['schemas']['InvoiceDeliveryView'] | null;
      billingName: string;
      billingEmail: string | null;
      lines: components['schemas']['InvoiceLineView'][];
      /** @description credits of the period (top-ups, redemptions, adjustments): shown, not part of the total */
      payments: components['schemas']['InvoicePaymentView'][];
      /**
       * @description the sum of the lines
       * @example 12.5
       */
      subtotalUsd: string;
      /** @example 0.08 */
      taxRate: string;
      /** @example 1 */
      taxUsd: string;
      /**
       * @description subtotal + tax
       * @example 13.5
       */
      totalUsd: string;
      /**
       * Format: uuid
       * @description a credit note: the invoice it corrects
       */
      creditNoteOf: string | null;
      reason: string | null;
      issuedAt: string;
      /** @description whether GET /api/invoices/{id}/pdf has the PDF yet */
      pdfReady: boolean;
    };
    InvoicePageView: {
      items: components['schemas']['InvoiceView'][];
      total: number;
    };
    GenerateInvoiceDto: {
      /**
       * Format: uuid
       * @description required for a super admin; others: their own tenant
       */
      tenantId?: string;
      /**
       * @description a closed calendar month in the tenant’s time zone, "YYYY-MM"
       * @example 2026-10
       */
      period: string;
    };
    InvoiceRequestView: {
      /**
       * Format: uuid
       * @description the invoice’s id: GET /api/invoices/{id} answers 404 until issued
       */
      id: string;
      /** Format: uuid */
      tenantId: string;
      /** @example 2026-10 */
      period: string;
      /**
       * @description issued: it existed (200, `invoice` set); queued: the worker issues it shortly (202)
       * @enum {string}
       */
      status: 'queued' | 'issued';
      invoice: components['schemas']['InvoiceView'] | null;
    };
    CreateCreditNoteDto: {
      /** @example usage double-counted on 3 October */
      reason: string;
      /**
       * @description USD before tax, > 0 and at most what the invoice still allows: its subtotal less credit notes, and once anything is paid no more than is unpaid; missing: all of it
       * @example 1.5
       */
      amountUsd?: string;
    };
    RecordPaymentDto: {
      /**
       * @description USD, > 0 and at most what is left to pay
       * @example 13.5
       */
      amountUsd: string;
      /** @example wire 2026-11-04 #88231 */
      reference: string;
      /**
       * @description when it was received; default now
       * @example 2026-11-04T00:00:00Z
       */
      paidAt?: string;
    };
    PublicSettingsView: {
      siteName: string;
      siteUrl: string | null;
      registrationOpen: boolean;
    };
    IssuerView: {
      legalName: string;
      address: string;
      taxId: string | null;
      email: string | null;
      paymentInstructions: string | null;
      footer: string | null;
      /** @example VAT */
      taxLabel: string | null;
      /** @example 30 */
      paymentTermsDays: number;
      /** @description a data: URL (PNG or JPEG) */
      logo: string | null;
    };
    SmtpView: {
      host: string;
      port: number;
      secure: boolean;
      username: string | null;
      passwordSet: boolean;
      from: string;
    };
    ExchangeRateView: {
      /** @example 2026-10 */
      period: string;
      /** @example CNY */
      currency: string;
      /**
       * @description units of `currency` per USD
       * @example 7.1234
       */
      rate: string;
    };
    SettingsView: {
      siteName: string;
      siteUrl: string | null;
      registrationOpen: boolean;
      relayMaxAttempts: number;
      relayRetryStatuses: number[];
      relayCooldownBaseMs: number;
      relayCooldownMaxMs: number;
      /** @description who issues the invoices; null until set */
      issuer: components['schemas']['IssuerView'] | null;
      /** @description where invoice emails leave from; null: not mailed */
      smtp: components['schemas']['SmtpView'] | null;
      /** @description monthly rates for tenants billed in another currency */
      exchangeRates: components['schemas']['ExchangeRateView'][];
      /** @description settings changed from the dashboard; the others are the environment’s defaults */
      overridden: string[];
    };
    IssuerSettingsDto: {
      /** @example Acme AI Ltd. */
      legalName: string;
      /**
       * @example 1 Market St
       *     San Francisco, CA 94105
       *     USA
       */
      address: string;
      /** @example US12-3456789 */
      taxId?: string | null;
      /** Format: email */
      email?: string | null;
      /** @example IBAN DE89 3704 0044 0532 0130 00 */
      paymentInstructions?: string | null;
      footer?: string | null;
      /**
       * @description the tax’s name on invoices
       * @example VAT
       */
      taxLabel?: string | null;
      /**
       * @description days from issue to due date
       * @example 30
       */
      paymentTermsDays?: number;
      /** @description a PNG or JPEG as a data: URL (at most 200000 characters); null removes it */
      logo?: string | null;
    };
    SmtpSettingsDto: {
      /** @example smtp.example.com */
      host: string;
      /** @example 587 */
      port: number;
      /**
       * @description TLS from the start (465); false: STARTTLS when offered
       * @default false
       */
      secure?: boolean;
      username?: string | null;
      /** @description write-only: never read back; left out keeps the stored one, null clears it */
      password?: string | null;
      /** @example Acme Billing <billing@acme.example> */
      from: string;
    };
    ExchangeRateDto: {
      /**
       * @description the invoices’ month, YYYY-MM
       * @example 2026-10
       */
      period: string;
      /** @example CNY */
      currency: string;
      /**
       * @description units of `currency` per USD; positive, at most 6 decimals
       * @example 7.1234
       */
      rate: string;
    };
    UpdateSettingsDto: {
      /** @example Acme AI Gateway */
      siteName?: string;
      /**
       * @description null clears it
       * @example https://ai.example.com
       */
      siteUrl?: string | null;
      /** @description whether anyone may sign up (a new tenant of their own) */
      registrationOpen?: boolean;
      /** @example 5 */
      relayMaxAttempts?: number;
      /**
       * @example [
       *       408,
       *       429,
       *       500,
       *       502,
       *       503,
       *       504
       *     ]
       */
      relayRetryStatuses?: number[];
      /** @example 5000 */
      relayCooldownBaseMs?: number;
      /** @example 300000 */
      relayCooldownMaxMs?: number;
      /** @description the invoices’ issuer; fields left out keep their values; null removes it */
      issuer?: components['schemas']['IssuerSettingsDto'] | null;
      /** @description the SMTP server invoices are mailed through; null stops mailing */
      smtp?: components['schemas']['SmtpSettingsDto'] | null;
      /** @description every monthly rate (replaces the list); one per month and currency */
      exchangeRates?: components['schemas']['ExchangeRateDto'][];
    };
    SetExchangeRateDto: {
      /**
       * @description units of the currency per USD; positive, at most 6 decimals
       * @example 7.1234
       */
      rate: string;
    };
    ImportNewApiDatabaseDto: {
      /**
       * @description mysql:// or postgres:// URL of the NewAPI database (instead of file); only read
       * @example postgres://newapi:secret@db.example.com:5432/newapi
       */
      url?: string;
      /**
       * @description true (the default): read and report what would be imported, write nothing
       * @default true
       */
      dryRun?: boolean;
      /** @description names the source installation instead of the fingerprint taken from its first user */
      installation?: string;
      /**
       * Format: binary
       * @description the SQLite database file
       */
      file?: string;
    };
    SkippedRowView: {
      /** @description the row id in the source table */
      sourceId: string;
      /** @description a name to recognise it by (channel or token name, username) */
      label: string;
      reason: string;
    };
    KindReportView: {
      read: number;
      /** @description made by this run (or, in a dry run, that it would make) */
      created: number;
      /** @description changed in the source since the last run, and updated */
      updated: number;
      /** @description imported before and unchanged since */
      unchanged: number;
      skipped: components['schemas']['SkippedRowView'][];
      /** @description what was adapted on the way (dropped models, clamped values, …) */
      notes: string[];
    };
    ConvertedAmountView: {
      /** @enum {string} */
      kind: 'balance' | 'token_quota' | 'redemption_code';
      sourceId: string;
      label: string;
      /**
       * @description quota units in the source
       * @example 1500000
       */
      quota: string;
      /**
       * @description the same in USD (exact decimal)
       * @example 3
       */
      usd: string;
      /** @description true when a fraction of a nano-USD was rounded down */
      rounded: boolean;
      /**
       * @description balance only: what this run credited (the difference to what earlier runs did)
       * @example 3
       */
      creditedUsd?: string;
    };
    GroupRatioView: {
      group: string;
      /** @example 1.5 */
      multiplier: string;
      /**
       * @description kept: a re-run found the multiplier changed here since the last import, and left it
       * @enum {string}
       */
      outcome: 'set' | 'unchanged' | 'skipped' | 'kept';
      reason?: string;
    };
    NewApiMigrationReport: {
      /** @description true: nothing was written */
      dryRun: boolean;
      /** @enum {string} */
      dialect: 'sqlite' | 'mysql' | 'postgres';
      /** @description fingerprint of the source installation (how a re-run finds its earlier work) */
      installation: string;
      /**
       * @description quota units per USD used for every amount
       * @example 500000
       */
      quotaPerUnit: string;
      channels: components['schemas']['KindReportView'];
      /** @description provider keys added to the encrypted pools */
      keysAdded: number;
      users: components['schemas']['KindReportView'];
      tokens: components['schemas']['KindReportView'];
      /** @description redemption codes not yet used in the source (redeemable here with the same code) */
      redemptionCodes: components['schemas']['KindReportView'];
      amounts: components['schemas']['ConvertedAmountView'][];
      groups: components['schemas']['GroupRatioView'][];
      /** @description the prices set from ModelRatio & co. (in a dry run, those it would set: wouldSet; null when the source saved none) */
      prices?: components['schemas']['NewApiImportView'] | null;
      /** @description models with a ModelRatio in the source (what a real run would price) */
      pricedModels: number;
      /** @description what was not imported at all, and why */
      notImported: string[];
    };
    PaymentProviderView: {
      /** @enum {string} */
      provider: 'stripe' | 'epay';
      enabled: boolean;
      /** @example usd */
      currency: string;
      /**
       * @description units of currency per 1 USD credited
       * @example 1
       */
      usdRate: string;
      /** @description EPay only */
      gatewayUrl?: string | null;
      /** @description EPay only */
      pid?: string | null;
      /** @description EPay only */
      methods?: ('alipay' | 'wxpay')[];
      /**
       * @description each secret’s mask, null when not set
       * @example {
       *       "secretKey": "sk_live_…abcd",
       *       "webhookSecret": null
       *     }
       */
      secrets: {
        [key: string]: string | null;
      };
      /**
       * @description give the provider this path under the site URL
       * @example /api/payments/stripe/webhook
       */
      notifyPath: string;
      updatedAt: string | null;
    };
    UpdateStripeProviderDto: {
      /** @description tenants may top up through Stripe Checkout */
      enabled?: boolean;
      /**
       * @description secret or restricted API key (write-only)
       * @example sk_live_…
       */
      secretKey?: string;
      /**
       * @description the webhook endpoint’s signing secret (write-only)
       * @example whsec_…
       */
      webhookSecret?: string;
      /**
       * @description what customers are charged in
       * @example usd
       * @enum {string}
       */
      currency?: 'usd' | 'cny' | 'eur' | 'gbp' | 'hkd' | 'sgd' | 'jpy';
      /**
       * @description units of currency per 1 USD credited ("1" for usd)
       * @example 1
       */
      usdRate?: string;
    };
    UpdateEpayProviderDto: {
      /** @description tenants may top up through EPay (Alipay, WeChat Pay) */
      enabled?: boolean;
      /**
       * @description the gateway’s base URL
       * @example https://pay.example.com
       */
      gatewayUrl?: string;
      /**
       * @description the merchant id
       * @example 1001
       */
      pid?: string;
      /** @description the merchant key that signs requests and notifications (write-only) */
      key?: string;
      /**
       * @example [
       *       "alipay",
       *       "wxpay"
       *     ]
       */
      methods?: ('alipay' | 'wxpay')[];
      /**
       * @description CNY charged per 1 USD credited
       * @example 7.2
       */
      usdRate?: string;
    };
    PaymentOptionView: {
      /** @enum {string} */
      provider: 'stripe' | 'epay';
      /** @example cny */
      currency: string;
      /**
       * @description units of currency charged per USD credited
       * @example 7.2
       */
      usdRate: string;
      /** @description EPay’s payment types; empty for Stripe */
      methods: ('alipay' | 'wxpay')[];
    };
    PaymentOptionsView: {
      providers: components['schemas']['PaymentOptionView'][];
    };
    CreateTopupOrderDto: {
      /**
       * @description USD to credit, > 0 and ≤ 1000000
       * @example 25
       */
      amountUsd: string;
      /** @enum {string} */
      provider: 'stripe' | 'epay';
      /**
       * @description EPay only: Alipay or WeChat Pay
       * @enum {string}
       */
      method?: 'alipay' | 'wxpay';
      /**
       * Format: uuid
       * @description pay this open invoice of the tenant instead of topping up the balance
       */
      invoiceId?: string;
    };
    TopupOrderView: {
      /** Format: uuid */
      id: string;
      /** Format: uuid */
      tenantId: string;
      /** @enum {string} */
      provider: 'stripe' | 'epay';
      /** @example alipay */
      method: string | null;
      /** @enum {string} */
      status: 'pending' | 'paid' | 'failed' | 'expired' | 'partially_refunded' | 'refunded';
      /**
       * @description USD credited when paid
       * @example 10
       */
      amountUsd: string;
      /** @example cny */
      currency: string;
      /**
       * @description what the provider charges, in currency
       * @example 72.00
       */
      chargeAmount: string;
      /**
       * @description units of currency per USD, fixed when the order was made
       * @example 7.2
       */
      usdRate: string;
      /** @description where the customer pays */
      payUrl: string | null;
      /** @description the provider’s id of the payment */
      providerRef: string | null;
      /** @description Stripe’s payment intent, which its refunds and disputes name; null until paid */
      paymentIntent: string | null;
      /**
       * @description what Stripe refunds of it took back (USD; all of amountUsd when refunded): from the balance, or from the invoice it paid, which they reopen
       * @example 0
       */
      refundedUsd: string;
      /** @example amount_mismatch */
      failureReason: string | null;
      /**
       * Format: uuid
       * @description the invoice this payment settles (then nothing is added to the balance)
       */
      invoiceId: string | null;
      /**
       * Format: uuid
       * @description the `topup` ledger line
       */
      ledgerEntryId: string | null;
      /** Format: uuid */
      createdBy: string | null;
      createdAt: string;
      expiresAt: string;
      paidAt: string | null;
    };
    TopupOrderPageView: {
      items: components['schemas']['TopupOrderView'][];
      total: number;
    };
    StripeWebhookAnswerView: {
      received: boolean;
      /**
       * @description credited, invoice_settled, duplicate, failed, expired, unknown_order, payment_intent_conflict, refunded, refund_reversed, dispute_withdrawn, dispute_reinstated, unknown_charge or ignored
       * @example credited
       */
      outcome: string;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  SystemController_health: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The process is alive. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  SystemController_ready: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Postgres and Redis answer (503 otherwise, with the same shape). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AuthController_login: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['LoginDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LoginResponse'];
        };
      };
      /** @description too many failed logins for this account or IP; see Retry-After */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AuthController_register: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RegisterDto'];
      };
    };
    responses: {
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RegistrationAccepted'];
        };
      };
      /** @description too many sign-ups from this IP; see Retry-After */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AuthController_logout: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  AuthController_me: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserView'];
        };
      };
    };
  };
  TenantsController_list: {
    parameters: {
      query?: {
        page?: number;
        pageSize?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TenantPage'];
        };
      };
    };
  };
  TenantsController_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateTenantDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TenantView'];
        };
      };
    };
  };
  TenantsController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TenantView'];
        };
      };
    };
  };
  TenantsController_update: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateTenantDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TenantView'];
        };
      };
    };
  };
  UsersController_list: {
    parameters: {
      query?: {
        page?: number;
        pageSize?: number;
        /** @description super admin: one tenant; others: their own only */
        tenantId?: string;
        role?: 'super_admin' | 'owner' | 'admin' | 'member' | 'finance';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserPage'];
        };
      };
    };
  };
  UsersController_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateUserDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserView'];
        };
      };
    };
  };
  UsersController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserView'];
        };
      };
    };
  };
  UsersController_delete: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  UsersController_update: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateUserDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UserView'];
        };
      };
    };
  };
  AuditController_list: {
    parameters: {
      query?: {
        page?: number;
        pageSize?: number;
        /** @description super admin: one tenant; an owner: their own only */
        tenantId?: string;
        /** @description tenant, user, token, channel, ... */
        entityType?: string;
        /** @description the changed thing */
        entityId?: string;
        action?: 'create' | 'update' | 'delete';
        /** @description inclusive */
        from?: string;
        /** @description exclusive */
        to?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AuditLogPage'];
        };
      };
    };
  };
  TokensController_list: {
    parameters: {
      query?: {
        /** @description Super admins: one tenant. Others: their own tenant only. */
        tenantId?: string;
        page?: number;
        pageSize?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TokenListView'];
        };
      };
    };
  };
  TokensController_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateTokenDto'];
      };
    };
    responses: {
      /** @description The full key is in `key`, this once. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CreatedTokenView'];
        };
      };
    };
  };
  TokensController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TokenView'];
        };
      };
    };
  };
  TokensController_remove: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  TokensController_update: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateTokenDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TokenView'];
        };
      };
    };
  };
  ChannelsController_presets: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ChannelPresetView'][];
        };
      };
    };
  };
  ChannelsController_list: {
    parameters: {
      query?: {
        page?: number;
        pageSize?: number;
        status?: 'enabled' | 'disabled' | 'auto_disabled';
        type?: 'openai' | 'azure-openai' | 'anthropic' | 'gemini';
        /** @description part of the name, case-insensitive */
        q?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ChannelListView'];
        };
      };
    };
  };
  ChannelsController_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateChannelDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ChannelView'];
        };
      };
    };
  };
  ChannelsController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ChannelView'];
        };
      };
    };
  };
  ChannelsController_remove: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description the channel and all its keys are deleted */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  ChannelsController_update: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateChannelDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ChannelView'];
        };
      };
    };
  };
  ChannelsController_test: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['TestChannelDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ChannelTestResultView'];
        };
      };
    };
  };
  ChannelKeysController_list: {
    parameters: {
      query?: {
        page?: number;
        pageSize?: number;
        status?: 'enabled' | 'disabled' | 'auto_disabled';
        health?: 'unknown' | 'healthy' | 'rate_limited' | 'invalid' | 'error';
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ChannelKeyListView'];
        };
      };
    };
  };
  ChannelKeysController_create: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateChannelKeysDto'];
      };
    };
    responses: {
      /** @description one key: the key’s view; keys: {items, total} */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json':
            components['schemas']['ChannelKeyView'] | components['schemas']['ChannelKeyListView'];
        };
      };
    };
  };
  ChannelKeysController_remove: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
        keyId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  ChannelKeysController_update: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
        keyId: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateChannelKeyDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ChannelKeyView'];
        };
      };
    };
  };
  ChannelKeysController_probes: {
    parameters: {
      query?: {
        page?: number;
        pageSize?: number;
        result?: 'healthy' | 'rate_limited' | 'invalid' | 'error';
      };
      header?: never;
      path: {
        id: string;
        keyId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ChannelKeyProbeListView'];
        };
      };
    };
  };
  ChannelKeysController_resetCooldown: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
        keyId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ChannelKeyView'];
        };
      };
    };
  };
  ModelChainsController_list: {
    parameters: {
      query?: {
        page?: number;
        pageSize?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModelChainListView'];
        };
      };
    };
  };
  ModelChainsController_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateModelChainDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModelChainView'];
        };
      };
    };
  };
  ModelChainsController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModelChainView'];
        };
      };
    };
  };
  ModelChainsController_remove: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description deleted; groups whose `auto` it was no longer serve `auto` */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  ModelChainsController_update: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateModelChainDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModelChainView'];
        };
      };
    };
  };
  GroupRoutingController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        group: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['GroupRoutingView'];
        };
      };
    };
  };
  GroupRoutingController_setDefaultChain: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        group: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SetDefaultChainDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['GroupRoutingView'];
        };
      };
    };
  };
  GroupRoutingController_setHashedSessions: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        group: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SetHashedSessionsDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['GroupRoutingView'];
        };
      };
    };
  };
  ModelsController_list: {
    parameters: {
      query?: {
        page?: number;
        pageSize?: number;
        /** @description part of the model name, case-insensitive */
        q?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CatalogListView'];
        };
      };
    };
  };
  ModelsController_current: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description model name; a "/" in it may be sent raw or as %2F */
        model: unknown;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModelPriceView'];
        };
      };
    };
  };
  ModelsController_setPrice: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /** @description model name; a "/" in it may be sent raw or as %2F */
        model: unknown;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SetPriceDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModelPriceView'];
        };
      };
    };
  };
  ModelsController_preview: {
    parameters: {
      query?: {
        /** @description all prompt tokens, cached ones included (default 0) */
        promptTokens?: string;
        /** @description default 0 */
        completionTokens?: string;
        /** @description the cached part of promptTokens (default 0) */
        cachedTokens?: string;
        /** @description the part of promptTokens written to the provider's cache, apart from cachedTokens (default 0) */
        cacheWriteTokens?: string;
        /** @description the reasoning part of completionTokens (default 0) */
        reasoningTokens?: string;
        /** @description images produced (an /v1/images/* request); bills at the image price for size/quality */
        images?: string;
        /** @description the images' size */
        size?: string;
        /** @description the images' quality */
        quality?: string;
        /** @description seconds of input audio (a transcription or translation) */
        audioSeconds?: string;
        /** @description input characters of a speech request */
        characters?: string;
      };
      header?: never;
      path: {
        /** @description model name; a "/" in it may be sent raw or as %2F */
        model: unknown;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PricePreviewView'];
        };
      };
    };
  };
  ModelsController_history: {
    parameters: {
      query?: {
        page?: number;
        pageSize?: number;
      };
      header?: never;
      path: {
        /** @description model name; a "/" in it may be sent raw or as %2F */
        model: unknown;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ModelPriceListView'];
        };
      };
    };
  };
  NewApiImportController_importNewApi: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['ImportNewApiDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NewApiImportView'];
        };
      };
    };
  };
  LedgerController_list: {
    parameters: {
      query?: {
        page?: number;
        pageSize?: number;
        /** @description written at or after (inclusive) */
        from?: string;
        /** @description written before (exclusive) */
        to?: string;
        kind?: 'topup' | 'redemption' | 'adjustment' | 'refund' | 'usage' | 'plan_allowance';
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LedgerPageView'];
        };
      };
    };
  };
  LedgerController_balance: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TenantBalanceView'];
        };
      };
    };
  };
  TopupsController_topup: {
    parameters: {
      query?: never;
      header?: {
        /** @description A key of your choosing (1-255 printable ASCII characters, a UUID is good) that makes a retry safe: the same key with the same body within 24 h answers the first request's status and body again, with `Idempotent-Replayed: true`, and changes nothing. Keys are each caller’s own; a 400 or a 5xx is not kept (correct and retry with the key). */
        'Idempotency-Key'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateTopupDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LedgerEntryView'];
        };
      };
      /** @description `idempotency_key_in_use`: the first request with this Idempotency-Key is still running; `idempotency_key_unresolved`: it never answered and will not run again (check whether it took effect) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `idempotency_key_reused`: this Idempotency-Key was sent with another route or body */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  TopupsController_adjust: {
    parameters: {
      query?: never;
      header?: {
        /** @description A key of your choosing (1-255 printable ASCII characters, a UUID is good) that makes a retry safe: the same key with the same body within 24 h answers the first request's status and body again, with `Idempotent-Replayed: true`, and changes nothing. Keys are each caller’s own; a 400 or a 5xx is not kept (correct and retry with the key). */
        'Idempotency-Key'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateAdjustmentDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LedgerEntryView'];
        };
      };
      /** @description `idempotency_key_in_use`: the first request with this Idempotency-Key is still running; `idempotency_key_unresolved`: it never answered and will not run again (check whether it took effect) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `idempotency_key_reused`: this Idempotency-Key was sent with another route or body */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  RedemptionCodesController_list: {
    parameters: {
      query?: {
        page?: number;
        pageSize?: number;
        /** @description unused: redeemable now; expired: never redeemed and past expiresAt; disabled: revoked before redeemed */
        status?: 'unused' | 'redeemed' | 'expired' | 'disabled';
        /** @description the codes of one batch */
        batchId?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RedemptionCodePageView'];
        };
      };
    };
  };
  RedemptionCodesController_create: {
    parameters: {
      query?: never;
      header?: {
        /** @description A key of your choosing (1-255 printable ASCII characters, a UUID is good) that makes a retry safe: the same key with the same body within 24 h answers the first request's status and body again, with `Idempotent-Replayed: true`, and changes nothing. Keys are each caller’s own; a 400 or a 5xx is not kept (correct and retry with the key). */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateRedemptionCodesDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['CreatedRedemptionCodesView'];
        };
      };
      /** @description `idempotency_key_in_use`: the first request with this Idempotency-Key is still running; `idempotency_key_unresolved`: it never answered and will not run again (check whether it took effect) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `idempotency_key_reused`: this Idempotency-Key was sent with another route or body */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  RedemptionCodesController_redeem: {
    parameters: {
      query?: never;
      header?: {
        /** @description A key of your choosing (1-255 printable ASCII characters, a UUID is good) that makes a retry safe: the same key with the same body within 24 h answers the first request's status and body again, with `Idempotent-Replayed: true`, and changes nothing. Keys are each caller’s own; a 400 or a 5xx is not kept (correct and retry with the key). */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RedeemCodeDto'];
      };
    };
    responses: {
      /** @description the `redemption` ledger line */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['LedgerEntryView'];
        };
      };
      /** @description `idempotency_key_in_use`: the first request with this Idempotency-Key is still running; `idempotency_key_unresolved`: it never answered and will not run again (check whether it took effect) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `idempotency_key_reused`: this Idempotency-Key was sent with another route or body */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  RedemptionCodesController_disable: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['RedemptionCodeView'];
        };
      };
    };
  };
  RedemptionCodesController_disableBatch: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        batchId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['DisabledRedemptionBatchView'];
        };
      };
    };
  };
  GroupMultipliersController_list: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['GroupMultiplierListView'];
        };
      };
    };
  };
  GroupMultipliersController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        group: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['GroupMultiplierView'];
        };
      };
    };
  };
  GroupMultipliersController_set: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        group: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SetMultiplierDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['GroupMultiplierView'];
        };
      };
    };
  };
  PlansController_list: {
    parameters: {
      query?: {
        page?: number;
        pageSize?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PlanPageView'];
        };
      };
    };
  };
  PlansController_create: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreatePlanDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PlanView'];
        };
      };
    };
  };
  PlansController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PlanView'];
        };
      };
    };
  };
  PlansController_update: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdatePlanDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PlanView'];
        };
      };
    };
  };
  SubscriptionsController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SubscriptionView'];
        };
      };
    };
  };
  SubscriptionsController_set: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SetSubscriptionDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SubscriptionView'];
        };
      };
    };
  };
  SubscriptionsController_end: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  SubscriptionsController_history: {
    parameters: {
      query?: {
        page?: number;
        pageSize?: number;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SubscriptionChangePageView'];
        };
      };
    };
  };
  UsageController_reconciliation: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Checks now that ledger usage debits and token spend equal the usage records, to the nano-dollar */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ReconciliationView'];
        };
      };
    };
  };
  UsageController_logs: {
    parameters: {
      query?: {
        /** @description started at or after (inclusive) */
        from?: string;
        /** @description started before (exclusive) */
        to?: string;
        /** @description super admin: one tenant; others: their own only */
        tenantId?: string;
        tokenId?: string;
        channelId?: string;
        /** @description the model the client asked for (exact) */
        model?: string;
        /** @description `success` (status < 400, no error), `error` (the rest), or one HTTP status such as 429 */
        status?: string;
        page?: number;
        pageSize?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One row per /v1 request, newest first */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UsageLogPage'];
        };
      };
    };
  };
  UsageController_csv: {
    parameters: {
      query?: {
        /** @description started at or after (inclusive) */
        from?: string;
        /** @description started before (exclusive) */
        to?: string;
        /** @description super admin: one tenant; others: their own only */
        tenantId?: string;
        tokenId?: string;
        channelId?: string;
        /** @description the model the client asked for (exact) */
        model?: string;
        /** @description `success` (status < 400, no error), `error` (the rest), or one HTTP status such as 429 */
        status?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The same rows as /logs (every page), streamed as CSV with a header row */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  UsageController_summary: {
    parameters: {
      query: {
        /** @description started at or after (inclusive) */
        from?: string;
        /** @description started before (exclusive) */
        to?: string;
        /** @description super admin: one tenant; others: their own only */
        tenantId?: string;
        tokenId?: string;
        channelId?: string;
        /** @description the model the client asked for (exact) */
        model?: string;
        /** @description `success` (status < 400, no error), `error` (the rest), or one HTTP status such as 429 */
        status?: string;
        /** @description `hour` and `day` are UTC */
        groupBy: 'model' | 'channel' | 'tenant' | 'token' | 'hour' | 'day';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UsageSummaryView'];
        };
      };
    };
  };
  InvoicesController_list: {
    parameters: {
      query?: {
        page?: number;
        pageSize?: number;
        /** @description super admin: one tenant; others: their own only */
        tenantId?: string;
        /** @description a calendar month, "YYYY-MM" */
        period?: string;
        kind?: 'invoice' | 'credit_note';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['InvoicePageView'];
        };
      };
    };
  };
  InvoicesController_generate: {
    parameters: {
      query?: never;
      header?: {
        /** @description A key of your choosing (1-255 printable ASCII characters, a UUID is good) that makes a retry safe: the same key with the same body within 24 h answers the first request's status and body again, with `Idempotent-Replayed: true`, and changes nothing. Keys are each caller’s own; a 400 or a 5xx is not kept (correct and retry with the key). */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['GenerateInvoiceDto'];
      };
    };
    responses: {
      /** @description already issued: `invoice` is set */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['InvoiceRequestView'];
        };
      };
      /** @description queued: poll GET /api/invoices/{id} */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['InvoiceRequestView'];
        };
      };
      /** @description `idempotency_key_in_use`: the first request with this Idempotency-Key is still running; `idempotency_key_unresolved`: it never answered and will not run again (check whether it took effect) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `idempotency_key_reused`: this Idempotency-Key was sent with another route or body */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  InvoicesController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['InvoiceView'];
        };
      };
    };
  };
  InvoicesController_creditNote: {
    parameters: {
      query?: never;
      header?: {
        /** @description A key of your choosing (1-255 printable ASCII characters, a UUID is good) that makes a retry safe: the same key with the same body within 24 h answers the first request's status and body again, with `Idempotent-Replayed: true`, and changes nothing. Keys are each caller’s own; a 400 or a 5xx is not kept (correct and retry with the key). */
        'Idempotency-Key'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateCreditNoteDto'];
      };
    };
    responses: {
      /** @description queued: poll GET /api/invoices/{id} */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['InvoiceRequestView'];
        };
      };
      /** @description `idempotency_key_in_use`: the first request with this Idempotency-Key is still running; `idempotency_key_unresolved`: it never answered and will not run again (check whether it took effect) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `idempotency_key_reused`: this Idempotency-Key was sent with another route or body */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  InvoicesController_recordPayment: {
    parameters: {
      query?: never;
      header?: {
        /** @description A key of your choosing (1-255 printable ASCII characters, a UUID is good) that makes a retry safe: the same key with the same body within 24 h answers the first request's status and body again, with `Idempotent-Replayed: true`, and changes nothing. Keys are each caller’s own; a 400 or a 5xx is not kept (correct and retry with the key). */
        'Idempotency-Key'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['RecordPaymentDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['InvoiceView'];
        };
      };
      /** @description `idempotency_key_in_use`: the first request with this Idempotency-Key is still running; `idempotency_key_unresolved`: it never answered and will not run again (check whether it took effect) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `idempotency_key_reused`: this Idempotency-Key was sent with another route or body */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  InvoicesController_resend: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['InvoiceView'];
        };
      };
    };
  };
  InvoicesController_pdf: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The invoice as a PDF (409 invoice_pdf_pending while the worker renders it) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  InvoicesExportController_csv: {
    parameters: {
      query: {
        /** @description a calendar month, "YYYY-MM" */
        period: string;
        /** @description super admin: one tenant; others: their own only */
        tenantId?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description One row per document, by number, with a header row */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  SettingsController_publicView: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PublicSettingsView'];
        };
      };
    };
  };
  SettingsController_get: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SettingsView'];
        };
      };
    };
  };
  SettingsController_update: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateSettingsDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SettingsView'];
        };
      };
    };
  };
  SettingsController_setExchangeRate: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        currency: string;
        /** @description the invoices’ month, YYYY-MM */
        period: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['SetExchangeRateDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SettingsView'];
        };
      };
    };
  };
  SettingsController_removeExchangeRate: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        currency: string;
        /** @description the invoices’ month, YYYY-MM */
        period: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SettingsView'];
        };
      };
    };
  };
  NewApiMigrationController_importNewApi: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': components['schemas']['ImportNewApiDatabaseDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['NewApiMigrationReport'];
        };
      };
    };
  };
  PaymentProvidersController_list: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PaymentProviderView'][];
        };
      };
    };
  };
  PaymentProvidersController_updateStripe: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateStripeProviderDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PaymentProviderView'];
        };
      };
    };
  };
  PaymentProvidersController_updateEpay: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['UpdateEpayProviderDto'];
      };
    };
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PaymentProviderView'];
        };
      };
    };
  };
  TopupOrdersController_options: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PaymentOptionsView'];
        };
      };
    };
  };
  TopupOrdersController_list: {
    parameters: {
      query?: {
        page?: number;
        pageSize?: number;
        status?: 'pending' | 'paid' | 'failed' | 'expired' | 'partially_refunded' | 'refunded';
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TopupOrderPageView'];
        };
      };
    };
  };
  TopupOrdersController_create: {
    parameters: {
      query?: never;
      header?: {
        /** @description A key of your choosing (1-255 printable ASCII characters, a UUID is good) that makes a retry safe: the same key with the same body within 24 h answers the first request's status and body again, with `Idempotent-Replayed: true`, and changes nothing. Keys are each caller’s own; a 400 or a 5xx is not kept (correct and retry with the key). */
        'Idempotency-Key'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': components['schemas']['CreateTopupOrderDto'];
      };
    };
    responses: {
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TopupOrderView'];
        };
      };
      /** @description `idempotency_key_in_use`: the first request with this Idempotency-Key is still running; `idempotency_key_unresolved`: it never answered and will not run again (check whether it took effect) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description `idempotency_key_reused`: this Idempotency-Key was sent with another route or body */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  TopupOrdersController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
        orderId: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['TopupOrderView'];
        };
      };
    };
  };
  PaymentNotificationsController_stripe: {
    parameters: {
      query?: never;
      header: {
        'stripe-signature': string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['StripeWebhookAnswerView'];
        };
      };
    };
  };
  PaymentNotificationsController_epayGet: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': string;
        };
      };
    };
  };
}
