import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A token's quota epoch names the Redis mirror of its spend (`tq:<token>:<epoch>`, balance-scripts.ts).
 * Nothing counts a token's spend in Redis while it has no quota, so a quota set on a token that had
 * none must start from PostgreSQL's count: the trigger moves the epoch on exactly then, whatever
 * path writes the row (the console, an import, SQL).
 */
export class TokenQuotaEpoch1796430000000 implements MigrationInterface {
    name = 'TokenQuotaEpoch1796430000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "tokens"
            ADD "quota_epoch" integer NOT NULL DEFAULT '0'
        `);
        await queryRunner.query(`
            CREATE FUNCTION tokens_quota_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              NEW.quota_epoch := OLD.quota_epoch
                + CASE WHEN OLD.quota_nano IS NULL AND NEW.quota_nano IS NOT NULL THEN 1 ELSE 0 END;
              RETURN NEW;
            END
            $$
        `);
        await queryRunner.query(`
            CREATE TRIGGER tokens_quota_epoch BEFORE UPDATE ON "tokens"
            FOR EACH ROW EXECUTE FUNCTION tokens_quota_epoch()
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER tokens_quota_epoch ON "tokens"`);
        await queryRunner.query(`DROP FUNCTION tokens_quota_epoch()`);
        await queryRunner.query(`
            ALTER TABLE "tokens" DROP COLUMN "quota_epoch"
        `);
    }

}
