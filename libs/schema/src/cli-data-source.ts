// The DataSource the TypeORM CLI uses to generate migrations (see README: "Database migrations").
import { dataSourceOptions } from '@gateway/db';
import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';

const url = process.env['DATABASE_URL'];
if (!url) {
  console.error('DATABASE_URL must be set to a database that has every committed migration applied');
  process.exit(1);
}

export default new DataSource(dataSourceOptions({ url, entities: ENTITIES, applicationName: 'gateway-cli' }));
