import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A channel names the time zone whose midnight resets its keys' daily caps (Gemini's free tier resets
 * at Pacific midnight); null keeps the provider's default.
 */
export class ChannelDayResetZone1796650000000 implements MigrationInterface {
    name = 'ChannelDayResetZone1796650000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "channels"
            ADD "day_reset_zone" character varying(64)
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "channels" DROP COLUMN "day_reset_zone"
        `);
    }

}
