import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { Repository } from 'typeorm';
import { ChannelKeyProbe } from '../entities/channel-key-probe.entity';

/** Deletes probe results older than PROBE_HISTORY_DAYS. Idempotent. */
@Injectable()
export class PruneProbeHistoryJob {
  constructor(
    @InjectRepository(ChannelKeyProbe) private readonly probes: Repository<ChannelKeyProbe>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(): Promise<{ deleted: number }> {
    const result = await this.probes
      .createQueryBuilder()
      .delete()
      .where('checked_at < now() - make_interval(days => :days)', { days: this.config.PROBE_HISTORY_DAYS })
      .execute();
    return { deleted: result.affected ?? 0 };
  }
}
