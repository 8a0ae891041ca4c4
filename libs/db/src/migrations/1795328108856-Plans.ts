import { MigrationInterface, QueryRunner } from "typeorm";

export class Plans1795328108856 implements MigrationInterface {
    name = 'Plans1795328108856'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "plans" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "name" character varying(100) NOT NULL,
                "price_nano" bigint NOT NULL,
                "limit_requests" bigint,
                "limit_input_tokens" bigint,
                "limit_output_tokens" bigint,
                "limit_spend_nano" bigint,
                "included_nano" bigint NOT NULL DEFAULT '0',
                "status" character varying(16) NOT NULL DEFAULT 'active',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "plans_amounts_check" CHECK (
                    "price_nano" >= 0
                    AND "included_nano" >= 0
                    AND (
                        "limit_requests" IS NULL
                        OR "limit_requests" >= 0
                    )
                    AND (
                        "limit_input_tokens" IS NULL
                        OR "limit_input_tokens" >= 0
                    )
                    AND (
                        "limit_output_tokens" IS NULL
                        OR "limit_output_tokens" >= 0
                    )
                    AND (
                        "limit_spend_nano" IS NULL
                        OR "limit_spend_nano" >= 0
                    )
                ),
                CONSTRAINT "plans_status_check" CHECK ("status" IN ('active', 'archived')),
                CONSTRAINT "plans_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "plans_name_key" ON "plans" ("name")
        `);
        await queryRunner.query(`
            CREATE TABLE "subscription_changes" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "tenant_id" uuid NOT NULL,
                "kind" character varying(16) NOT NULL,
                "from_plan_id" uuid,
                "to_plan_id" uuid,
                "period_start" TIMESTAMP WITH TIME ZONE NOT NULL,
                "period_end" TIMESTAMP WITH TIME ZONE NOT NULL,
                "changed_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "subscription_changes_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "subscription_changes_tenant_created_idx" ON "subscription_changes" ("tenant_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "subscriptions" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "tenant_id" uuid NOT NULL,
                "plan_id" uuid NOT NULL,
                "anchor_day" smallint NOT NULL DEFAULT '1',
                "period_start" TIMESTAMP WITH TIME ZONE NOT NULL,
                "period_end" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "subscriptions_period_check" CHECK ("period_start" < "period_end"),
                CONSTRAINT "subscriptions_anchor_day_check" CHECK (
                    "anchor_day" BETWEEN 1 AND 31
                ),
                CONSTRAINT "subscriptions_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "subscriptions_plan_idx" ON "subscriptions" ("plan_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "subscriptions_tenant_key" ON "subscriptions" ("tenant_id")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."subscriptions_tenant_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."subscriptions_plan_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "subscriptions"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."subscription_changes_tenant_created_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "subscription_changes"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."plans_name_key"
        `);
        await queryRunner.query(`
            DROP TABLE "plans"
        `);
    }

}
