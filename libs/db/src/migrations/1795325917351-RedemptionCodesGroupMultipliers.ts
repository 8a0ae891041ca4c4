import { MigrationInterface, QueryRunner } from "typeorm";

export class RedemptionCodesGroupMultipliers1795325917351 implements MigrationInterface {
    name = 'RedemptionCodesGroupMultipliers1795325917351'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "group_multipliers" (
                "group" character varying(64) NOT NULL,
                "multiplier" numeric(7, 4) NOT NULL,
                "updated_by" uuid,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "group_multipliers_range_check" CHECK (
                    "multiplier" > 0
                    AND "multiplier" <= 100
                ),
                CONSTRAINT "group_multipliers_pkey" PRIMARY KEY ("group")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "redemption_codes" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "code_hash" character varying(64) NOT NULL,
                "hint" character varying(16) NOT NULL,
                "amount_nano" bigint NOT NULL,
                "batch_id" uuid NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE,
                "note" text,
                "created_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "redeemed_at" TIMESTAMP WITH TIME ZONE,
                "redeemed_tenant_id" uuid,
                "redeemed_by" uuid,
                "ledger_entry_id" uuid,
                CONSTRAINT "redemption_codes_amount_check" CHECK ("amount_nano" > 0),
                CONSTRAINT "redemption_codes_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "redemption_codes_code_hash_key" ON "redemption_codes" ("code_hash")
        `);
        await queryRunner.query(`
            CREATE INDEX "redemption_codes_batch_idx" ON "redemption_codes" ("batch_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "redemption_codes_created_idx" ON "redemption_codes" ("created_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."redemption_codes_created_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."redemption_codes_batch_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."redemption_codes_code_hash_key"
        `);
        await queryRunner.query(`
            DROP TABLE "redemption_codes"
        `);
        await queryRunner.query(`
            DROP TABLE "group_multipliers"
        `);
    }

}
