/** Every BullMQ queue of the system, in one place. A job's name is its class name. */
export enum QueueName {
  Identity = 'identity',
  Usage = 'usage',
  Channels = 'channels',
  Invoices = 'invoices',
}
