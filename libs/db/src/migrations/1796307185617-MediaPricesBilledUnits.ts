import { MigrationInterface, QueryRunner } from "typeorm";

export class MediaPricesBilledUnits1796307185617 implements MigrationInterface {
    name = 'MediaPricesBilledUnits1796307185617'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "model_prices"
            ADD "per_image_nano" bigint
        `);
        await queryRunner.query(`
            ALTER TABLE "model_prices"
            ADD "per_image_by_size" jsonb
        `);
        await queryRunner.query(`
            ALTER TABLE "model_prices"
            ADD "per_audio_second_nano" bigint
        `);
        await queryRunner.query(`
            ALTER TABLE "model_prices"
            ADD "characters_per_1m_nano" bigint
        `);
        await queryRunner.query(`
            ALTER TABLE "usage_records"
            ADD "billed_unit" character varying(16) NOT NULL DEFAULT 'tokens'
        `);
        await queryRunner.query(`
            ALTER TABLE "usage_records"
            ADD "billed_quantity" bigint NOT NULL DEFAULT '0'
        `);
        // Every record so far was billed in tokens.
        await queryRunner.query(`
            UPDATE "usage_records" SET "billed_quantity" = "prompt_tokens" + "completion_tokens"
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "usage_records" DROP COLUMN "billed_quantity"
        `);
        await queryRunner.query(`
            ALTER TABLE "usage_records" DROP COLUMN "billed_unit"
        `);
        await queryRunner.query(`
            ALTER TABLE "model_prices" DROP COLUMN "characters_per_1m_nano"
        `);
        await queryRunner.query(`
            ALTER TABLE "model_prices" DROP COLUMN "per_audio_second_nano"
        `);
        await queryRunner.query(`
            ALTER TABLE "model_prices" DROP COLUMN "per_image_by_size"
        `);
        await queryRunner.query(`
            ALTER TABLE "model_prices" DROP COLUMN "per_image_nano"
        `);
    }

}
