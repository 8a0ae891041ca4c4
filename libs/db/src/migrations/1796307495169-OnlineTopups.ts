import { MigrationInterface, QueryRunner } from "typeorm";

export class OnlineTopups1796307495169 implements MigrationInterface {
    name = 'OnlineTopups1796307495169'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "payment_events" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "provider" character varying(16) NOT NULL,
                "event_id" character varying(255) NOT NULL,
                "type" character varying(64) NOT NULL,
                "order_id" uuid,
                "outcome" character varying(32) NOT NULL,
                "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "payment_events_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "payment_events_provider_event_key" ON "payment_events" ("provider", "event_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "payment_providers" (
                "provider" character varying(16) NOT NULL,
                "enabled" boolean NOT NULL DEFAULT false,
                "currency" character varying(3) NOT NULL,
                "usd_rate" numeric(18, 6) NOT NULL,
                "settings" jsonb NOT NULL DEFAULT '{}',
                "secrets_ciphertext" text,
                "secrets_key_version" smallint,
                "secret_hints" jsonb NOT NULL DEFAULT '{}',
                "updated_by" uuid,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "payment_providers_pkey" PRIMARY KEY ("provider")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "topup_orders" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "tenant_id" uuid NOT NULL,
                "provider" character varying(16) NOT NULL,
                "method" character varying(16),
                "status" character varying(16) NOT NULL DEFAULT 'pending',
                "amount_nano" bigint NOT NULL,
                "currency" character varying(3) NOT NULL,
                "charge_minor" bigint NOT NULL,
                "usd_rate" numeric(18, 6) NOT NULL,
                "provider_ref" character varying(255),
                "pay_url" text,
                "failure_reason" character varying(64),
                "ledger_entry_id" uuid,
                "created_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "paid_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "topup_orders_amount_check" CHECK (
                    "amount_nano" > 0
                    AND "charge_minor" > 0
                ),
                CONSTRAINT "topup_orders_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "topup_orders_provider_ref_key" ON "topup_orders" ("provider", "provider_ref")
            WHERE "provider_ref" IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX "topup_orders_tenant_created_idx" ON "topup_orders" ("tenant_id", "created_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."topup_orders_tenant_created_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."topup_orders_provider_ref_key"
        `);
        await queryRunner.query(`
            DROP TABLE "topup_orders"
        `);
        await queryRunner.query(`
            DROP TABLE "payment_providers"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."payment_events_provider_event_key"
        `);
        await queryRunner.query(`
            DROP TABLE "payment_events"
        `);
    }

}
