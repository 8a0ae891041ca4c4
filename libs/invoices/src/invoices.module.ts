import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueName } from '@gateway/redis';
import { INVOICES_ENTITIES } from './invoices.entities';
import { InvoicesController, InvoicesExportController } from './invoices.controller';
import { InvoiceSettlements } from './settlement/invoice-settlements';
import { InvoicesService } from './invoices.service';

/** The api side: /api/invoices (reads, PDF download, on-demand issuing and re-sending by enqueueing). */
@Module({
  imports: [
    TypeOrmModule.forFeature(INVOICES_ENTITIES),
    BullModule.registerQueue({ name: QueueName.Invoices }),
    BullModule.registerQueue({ name: QueueName.InvoiceDelivery }),
  ],
  controllers: [InvoicesController, InvoicesExportController],
  providers: [InvoicesService, InvoiceSettlements],
  exports: [InvoiceSettlements],
})
export class InvoicesModule {}
