import { MigrationInterface, QueryRunner } from "typeorm";

export class CacheWrite1796307151152 implements MigrationInterface {
    name = 'CacheWrite1796307151152'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "model_prices"
            ADD "cache_write_per_1m_nano" bigint
        `);
        await queryRunner.query(`
            ALTER TABLE "usage_records"
            ADD "cache_write_tokens" integer NOT NULL DEFAULT '0'
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "usage_records" DROP COLUMN "cache_write_tokens"
        `);
        await queryRunner.query(`
            ALTER TABLE "model_prices" DROP COLUMN "cache_write_per_1m_nano"
        `);
    }

}
