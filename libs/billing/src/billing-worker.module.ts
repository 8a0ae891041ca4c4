import { Module } from '@nestjs/common';
import { HoldReaper } from './balance/hold-reaper';
import { MirrorReconciler } from './balance/mirror-reconciler';
import { TokenMirrorSweep } from './balance/token-mirror-sweep';

/**
 * The worker side of billing: releasing the holds of requests whose process died, reconciling the
 * Redis mirror with the ledger and deleting the token mirrors left behind (run by the usage queue's
 * schedule).
 */
@Module({
  providers: [HoldReaper, MirrorReconciler, TokenMirrorSweep],
  exports: [HoldReaper, MirrorReconciler, TokenMirrorSweep],
})
export class BillingWorkerModule {}
