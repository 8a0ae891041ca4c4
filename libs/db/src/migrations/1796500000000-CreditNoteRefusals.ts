import { MigrationInterface, QueryRunner } from "typeorm";

export class CreditNoteRefusals1796500000000 implements MigrationInterface {
    name = 'CreditNoteRefusals1796500000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "credit_note_refusals" (
                "id" uuid NOT NULL,
                "invoice_id" uuid NOT NULL,
                "tenant_id" uuid NOT NULL,
                "code" character varying(64) NOT NULL,
                "message" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "credit_note_refusals_pkey" PRIMARY KEY ("id")
            )
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP TABLE "credit_note_refusals"
        `);
    }

}
