import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Session } from '../entities/session.entity';

/** The job's name on the identity queue: its old class name, which stored schedulers still carry. */
export const PRUNE_EXPIRED_SESSIONS_JOB = 'PruneExpiredSessionsJob';

/** Deletes sessions that expired or were revoked more than a day ago. Idempotent. */
@Injectable()
export class PruneExpiredSessionsJob {
  static readonly graceHours = 24;

  constructor(@InjectRepository(Session) private readonly sessions: Repository<Session>) {}

  async run(): Promise<{ deleted: number }> {
    const result = await this.sessions
      .createQueryBuilder()
      .delete()
      .where(`expires_at < now() - make_interval(hours => :grace)`, {
        grace: PruneExpiredSessionsJob.graceHours,
      })
      .orWhere(`revoked_at < now() - make_interval(hours => :grace)`, {
        grace: PruneExpiredSessionsJob.graceHours,
      })
      .execute();
    return { deleted: result.affected ?? 0 };
  }
}
