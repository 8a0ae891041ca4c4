import { MigrationInterface, QueryRunner } from "typeorm";

export class Invoices1795809000000 implements MigrationInterface {
    name = 'Invoices1795809000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "invoices" (
                "id" uuid NOT NULL,
                "kind" character varying(16) NOT NULL,
                "number" character varying(32) NOT NULL,
                "tenant_id" uuid NOT NULL,
                "period" character varying(7) NOT NULL,
                "period_start" TIMESTAMP WITH TIME ZONE NOT NULL,
                "period_end" TIMESTAMP WITH TIME ZONE NOT NULL,
                "timezone" character varying(64) NOT NULL,
                "status" character varying(16) NOT NULL DEFAULT 'issued',
                "currency" character varying(3) NOT NULL DEFAULT 'USD',
                "billing_name" character varying(200) NOT NULL,
                "billing_email" character varying(320),
                "lines" jsonb NOT NULL,
                "payments" jsonb NOT NULL,
                "subtotal_nano" bigint NOT NULL,
                "tax_rate" character varying(10) NOT NULL,
                "tax_nano" bigint NOT NULL,
                "total_nano" bigint NOT NULL,
                "credit_note_of" uuid,
                "reason" character varying(500),
                "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "invoices_total_check" CHECK ("total_nano" = "subtotal_nano" + "tax_nano"),
                CONSTRAINT "invoices_kind_check" CHECK ("kind" IN ('invoice', 'credit_note')),
                CONSTRAINT "invoices_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "invoices_credit_note_of_idx" ON "invoices" ("credit_note_of")
        `);
        await queryRunner.query(`
            CREATE INDEX "invoices_tenant_issued_idx" ON "invoices" ("tenant_id", "issued_at")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "invoices_number_key" ON "invoices" ("number")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "invoices_tenant_period_key" ON "invoices" ("tenant_id", "period", "kind")
            WHERE "kind" = 'invoice'
        `);
        await queryRunner.query(`
            CREATE TABLE "invoice_pdfs" (
                "invoice_id" uuid NOT NULL,
                "filename" character varying(100) NOT NULL,
                "content" bytea NOT NULL,
                "rendered_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "invoice_pdfs_pkey" PRIMARY KEY ("invoice_id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "invoice_counters" (
                "kind" character varying(16) NOT NULL,
                "year" integer NOT NULL,
                "last_number" integer NOT NULL DEFAULT '0',
                CONSTRAINT "invoice_counters_pkey" PRIMARY KEY ("kind", "year")
            )
        `);
        // Issued invoices and their PDFs are immutable: a correction is a credit note, never an edit.
        await queryRunner.query(`
            CREATE FUNCTION "invoices_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'issued invoices are immutable (% on %)', TG_OP, TG_TABLE_NAME
                    USING ERRCODE = 'restrict_violation';
            END
            $$
        `);
        await queryRunner.query(`
            CREATE TRIGGER "invoices_immutable" BEFORE UPDATE OR DELETE ON "invoices"
            FOR EACH ROW EXECUTE FUNCTION "invoices_immutable"()
        `);
        await queryRunner.query(`
            CREATE TRIGGER "invoice_pdfs_immutable" BEFORE UPDATE OR DELETE ON "invoice_pdfs"
            FOR EACH ROW EXECUTE FUNCTION "invoices_immutable"()
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "invoice_counters"`);
        await queryRunner.query(`DROP TABLE "invoice_pdfs"`);
        await queryRunner.query(`DROP TABLE "invoices"`);
        await queryRunner.query(`DROP FUNCTION "invoices_immutable"()`);
    }
}
