// Which usage events the worker has stored: the api's outbox asks PostgreSQL, the record itself,
// in one indexed query per round (usage_records_request_id_key), never per request.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The outbox's view of `usage_records`: which of these request ids have a record. */
export interface StoredUsage {
  storedAmong(requestIds: readonly string[]): Promise<Set<string>>;
}

@Injectable()
export class StoredUsageLookup implements StoredUsage {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async storedAmong(requestIds: readonly string[]): Promise<Set<string>> {
    if (requestIds.length === 0) return new Set();
    const rows: { request_id: string }[] = await this.dataSource.query(
      'SELECT request_id FROM usage_records WHERE request_id = ANY($1::varchar[])',
      [requestIds],
    );
    return new Set(rows.map((row) => row.request_id));
  }
}
