import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A refund or dispute of an online payment that paid an invoice takes that payment back, not the
 * prepaid balance: what stands of a settlement is its amount less its reversals (a failed refund or a
 * won dispute is a negative one), each recorded once per settlement and refund or dispute id.
 */
export class InvoiceSettlementReversals1796730000000 implements MigrationInterface {
    name = 'InvoiceSettlementReversals1796730000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "invoice_settlement_reversals" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "settlement_id" uuid NOT NULL,
                "invoice_id" uuid NOT NULL,
                "amount_nano" bigint NOT NULL,
                "reference" character varying(200) NOT NULL,
                "reversed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "invoice_settlement_reversals_amount_check" CHECK ("amount_nano" <> 0),
                CONSTRAINT "invoice_settlement_reversals_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "invoice_settlement_reversals_reference_key" ON "invoice_settlement_reversals" ("settlement_id", "reference")
        `);
        await queryRunner.query(`
            CREATE INDEX "invoice_settlement_reversals_invoice_idx" ON "invoice_settlement_reversals" ("invoice_id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."invoice_settlement_reversals_invoice_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."invoice_settlement_reversals_reference_key"
        `);
        await queryRunner.query(`
            DROP TABLE "invoice_settlement_reversals"
        `);
    }

}
