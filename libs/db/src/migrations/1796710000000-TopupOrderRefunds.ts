import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Stripe refunds and disputes name the payment intent, not the Checkout session: an order keeps the
 * one it was paid with, and what was refunded of it (status `partially_refunded`, longer than 16).
 */
export class TopupOrderRefunds1796710000000 implements MigrationInterface {
    name = 'TopupOrderRefunds1796710000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "topup_orders"
            ALTER COLUMN "status" TYPE character varying(32)
        `);
        await queryRunner.query(`
            ALTER TABLE "topup_orders"
            ADD "payment_intent" character varying(255)
        `);
        await queryRunner.query(`
            ALTER TABLE "topup_orders"
            ADD "refunded_minor" bigint NOT NULL DEFAULT '0'
        `);
        await queryRunner.query(`
            ALTER TABLE "topup_orders"
            ADD "refunded_nano" bigint NOT NULL DEFAULT '0'
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "topup_orders_payment_intent_key" ON "topup_orders" ("provider", "payment_intent")
            WHERE "payment_intent" IS NOT NULL
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."topup_orders_payment_intent_key"
        `);
        await queryRunner.query(`
            ALTER TABLE "topup_orders" DROP COLUMN "refunded_nano"
        `);
        await queryRunner.query(`
            ALTER TABLE "topup_orders" DROP COLUMN "refunded_minor"
        `);
        await queryRunner.query(`
            ALTER TABLE "topup_orders" DROP COLUMN "payment_intent"
        `);
        await queryRunner.query(`
            UPDATE "topup_orders" SET "status" = 'paid' WHERE "status" IN ('partially_refunded', 'refunded')
        `);
        await queryRunner.query(`
            ALTER TABLE "topup_orders"
            ALTER COLUMN "status" TYPE character varying(16)
        `);
    }

}
