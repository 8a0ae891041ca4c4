import { MigrationInterface, QueryRunner } from "typeorm";

export class Ledger1795325383174 implements MigrationInterface {
    name = 'Ledger1795325383174'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "ledger_entries" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "tenant_id" uuid NOT NULL,
                "kind" character varying(16) NOT NULL,
                "amount_nano" bigint NOT NULL,
                "balance_after_nano" bigint NOT NULL,
                "credit_seq" bigint,
                "ref" character varying(200),
                "note" text,
                "created_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ledger_entries_kind_ref_key" ON "ledger_entries" ("tenant_id", "kind", "ref")
        `);
        await queryRunner.query(`
            CREATE INDEX "ledger_entries_tenant_created_idx" ON "ledger_entries" ("tenant_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "tenant_balances" (
                "tenant_id" uuid NOT NULL,
                "balance_nano" bigint NOT NULL DEFAULT '0',
                "credits_nano" bigint NOT NULL DEFAULT '0',
                "debits_nano" bigint NOT NULL DEFAULT '0',
                "credit_seq" bigint NOT NULL DEFAULT '0',
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "tenant_balances_pkey" PRIMARY KEY ("tenant_id")
            )
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP TABLE "tenant_balances"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ledger_entries_tenant_created_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ledger_entries_kind_ref_key"
        `);
        await queryRunner.query(`
            DROP TABLE "ledger_entries"
        `);
    }

}
