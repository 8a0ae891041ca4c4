import { MigrationInterface, QueryRunner } from "typeorm";

export class InvoicesForAccountants1796307773849 implements MigrationInterface {
    name = 'InvoicesForAccountants1796307773849'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "invoice_deliveries" (
                "invoice_id" uuid NOT NULL,
                "status" character varying(16) NOT NULL,
                "recipient" character varying(320),
                "attempts" integer NOT NULL DEFAULT '0',
                "last_error" character varying(500),
                "message_id" character varying(300),
                "sent_at" TIMESTAMP WITH TIME ZONE,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "invoice_deliveries_pkey" PRIMARY KEY ("invoice_id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "invoice_settlements" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "invoice_id" uuid NOT NULL,
                "amount_nano" bigint NOT NULL,
                "reference" character varying(200) NOT NULL,
                "source" character varying(16) NOT NULL,
                "paid_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "recorded_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "invoice_settlements_amount_check" CHECK ("amount_nano" > 0),
                CONSTRAINT "invoice_settlements_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "invoice_settlements_reference_key" ON "invoice_settlements" ("invoice_id", "source", "reference")
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants"
            ADD "billing_profile" jsonb
        `);
        await queryRunner.query(`
            ALTER TABLE "invoices"
            ADD "exchange_rate" character varying(20)
        `);
        await queryRunner.query(`
            ALTER TABLE "invoices"
            ADD "exchange_rate_period" character varying(7)
        `);
        await queryRunner.query(`
            ALTER TABLE "invoices"
            ADD "converted" jsonb
        `);
        await queryRunner.query(`
            ALTER TABLE "invoices"
            ADD "language" character varying(8) NOT NULL DEFAULT 'en'
        `);
        await queryRunner.query(`
            ALTER TABLE "invoices"
            ADD "issuer" jsonb
        `);
        await queryRunner.query(`
            ALTER TABLE "invoices"
            ADD "customer" jsonb
        `);
        await queryRunner.query(`
            ALTER TABLE "invoices"
            ADD "due_at" TIMESTAMP WITH TIME ZONE
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "invoices" DROP COLUMN "due_at"
        `);
        await queryRunner.query(`
            ALTER TABLE "invoices" DROP COLUMN "customer"
        `);
        await queryRunner.query(`
            ALTER TABLE "invoices" DROP COLUMN "issuer"
        `);
        await queryRunner.query(`
            ALTER TABLE "invoices" DROP COLUMN "language"
        `);
        await queryRunner.query(`
            ALTER TABLE "invoices" DROP COLUMN "converted"
        `);
        await queryRunner.query(`
            ALTER TABLE "invoices" DROP COLUMN "exchange_rate_period"
        `);
        await queryRunner.query(`
            ALTER TABLE "invoices" DROP COLUMN "exchange_rate"
        `);
        await queryRunner.query(`
            ALTER TABLE "tenants" DROP COLUMN "billing_profile"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."invoice_settlements_reference_key"
        `);
        await queryRunner.query(`
            DROP TABLE "invoice_settlements"
        `);
        await queryRunner.query(`
            DROP TABLE "invoice_deliveries"
        `);
    }

}
