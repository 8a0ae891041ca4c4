import { UnrecoverableError } from 'bullmq';
import type { QueueName } from './queue-name';

/**
 * What a processor throws for a job name it has no case for (one enqueued by another release, or a
 * name that was mistyped): no retry can make it known, so BullMQ fails it at once, visibly, instead
 * of spending its attempts and backoff on it.
 */
export function unknownJob(queue: QueueName, name: string): UnrecoverableError {
  return new UnrecoverableError(`unknown job ${name} on queue ${queue}`);
}
