import { MigrationInterface, QueryRunner } from "typeorm";

export class TopupOrderInvoice1796312410903 implements MigrationInterface {
    name = 'TopupOrderInvoice1796312410903'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "topup_orders"
            ADD "invoice_id" uuid
        `);
        await queryRunner.query(`
            CREATE INDEX "topup_orders_invoice_idx" ON "topup_orders" ("invoice_id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."topup_orders_invoice_idx"
        `);
        await queryRunner.query(`
            ALTER TABLE "topup_orders" DROP COLUMN "invoice_id"
        `);
    }

}
