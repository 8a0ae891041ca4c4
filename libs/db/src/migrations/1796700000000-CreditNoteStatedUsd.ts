import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A credit note's USD cents as it states them, fixed at issue: its share of what its invoice states,
 * so partial credit notes never state more than the invoice. Null on invoices and on credit notes
 * issued before (their cents are derived from their lines). Adding a column updates no row, so the
 * immutability trigger is not involved.
 */
export class CreditNoteStatedUsd1796700000000 implements MigrationInterface {
    name = 'CreditNoteStatedUsd1796700000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "invoices"
            ADD "stated_usd" jsonb
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "invoices" DROP COLUMN "stated_usd"
        `);
    }

}
