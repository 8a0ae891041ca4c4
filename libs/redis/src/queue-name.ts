/**
 * Every BullMQ queue of the system, in one place. Job names are string constants beside each
 * domain's jobs, never `SomeJob.name`: jobs and schedulers stored in Redis keep their names across
 * releases, so a renamed class must not rename its job.
 */
export enum QueueName {
  Identity = 'identity',
  Usage = 'usage',
  Channels = 'channels',
  Invoices = 'invoices',
  /** Mailing issued invoices: apart, so a slow or down mail server never holds up issuing. */
  InvoiceDelivery = 'invoice-delivery',
}
