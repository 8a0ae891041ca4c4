import { Module } from '@nestjs/common';
import { HoldReaper } from './balance/hold-reaper';
import { MirrorReconciler } from './balance/mirror-reconciler';

/**
 * The worker side of billing: releasing the holds of requests whose process died, and reconciling
 * the Redis mirror with the ledger (run by the usage queue's schedule).
 */
@Module({ providers: [HoldReaper, MirrorReconciler], exports: [HoldReaper, MirrorReconciler] })
export class BillingWorkerModule {}
