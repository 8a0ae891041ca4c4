import { MigrationInterface, QueryRunner } from "typeorm";

export class UsageRecords1795324352151 implements MigrationInterface {
    name = 'UsageRecords1795324352151'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "usage_records" (
                "id" BIGSERIAL NOT NULL,
                "request_id" character varying(128) NOT NULL,
                "started_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "tenant_id" uuid NOT NULL,
                "token_id" uuid NOT NULL,
                "endpoint" character varying(32) NOT NULL,
                "model" character varying(200) NOT NULL,
                "stream" boolean NOT NULL,
                "channel_id" uuid,
                "channel_key_id" uuid,
                "upstream_model" character varying(200),
                "prompt_tokens" integer NOT NULL,
                "cached_tokens" integer NOT NULL,
                "completion_tokens" integer NOT NULL,
                "reasoning_tokens" integer NOT NULL,
                "usage_source" character varying(16) NOT NULL,
                "cost_nano" bigint NOT NULL,
                "latency_ms" integer NOT NULL,
                "ttft_ms" integer,
                "status" smallint NOT NULL,
                "error_code" character varying(64),
                "error_message" character varying(1000),
                "fallbacks" jsonb NOT NULL DEFAULT '[]',
                "client_ip" character varying(64),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "usage_records_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "usage_records_request_id_key" ON "usage_records" ("request_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "usage_records_started_at_idx" ON "usage_records" ("started_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "usage_records_model_started_idx" ON "usage_records" ("model", "started_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "usage_records_channel_started_idx" ON "usage_records" ("channel_id", "started_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "usage_records_token_started_idx" ON "usage_records" ("token_id", "started_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "usage_records_tenant_started_idx" ON "usage_records" ("tenant_id", "started_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."usage_records_tenant_started_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."usage_records_token_started_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."usage_records_channel_started_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."usage_records_model_started_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."usage_records_started_at_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."usage_records_request_id_key"
        `);
        await queryRunner.query(`
            DROP TABLE "usage_records"
        `);
    }

}
