import { MigrationInterface, QueryRunner } from "typeorm";

export class TenantsTokensChannels1795317194449 implements MigrationInterface {
    name = 'TenantsTokensChannels1795317194449'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "audit_logs" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "actor_user_id" uuid,
                "actor_email" character varying(320),
                "tenant_id" uuid,
                "action" character varying(16) NOT NULL,
                "entity_type" character varying(32) NOT NULL,
                "entity_id" character varying(64) NOT NULL,
                "before" jsonb,
                "after" jsonb,
                "ip" character varying(64),
                "request_id" character varying(128),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "audit_logs_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "audit_logs_created_at_idx" ON "audit_logs" ("created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "audit_logs_tenant_created_idx" ON "audit_logs" ("tenant_id", "created_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "model_prices" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "model" character varying(200) NOT NULL,
                "input_per_1m_nano" bigint NOT NULL,
                "cached_input_per_1m_nano" bigint NOT NULL,
                "output_per_1m_nano" bigint NOT NULL,
                "per_request_nano" bigint NOT NULL,
                "effective_from" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_by" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "model_prices_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "model_prices_model_effective_key" ON "model_prices" ("model", "effective_from")
        `);
        await queryRunner.query(`
            CREATE TABLE "channels" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "name" character varying(100) NOT NULL,
                "type" character varying(32) NOT NULL,
                "base_url" character varying(500) NOT NULL,
                "models" text array NOT NULL,
                "model_mapping" jsonb NOT NULL DEFAULT '{}',
                "priority" integer NOT NULL DEFAULT '0',
                "weight" integer NOT NULL DEFAULT '1',
                "groups" text array NOT NULL DEFAULT '{default}',
                "status" character varying(16) NOT NULL DEFAULT 'enabled',
                "timeout_ms" integer NOT NULL DEFAULT '60000',
                "probe_interval_s" integer NOT NULL DEFAULT '300',
                "settings" jsonb NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "channels_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "channels_name_key" ON "channels" ("name")
        `);
        await queryRunner.query(`
            CREATE TABLE "channel_keys" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "channel_id" uuid NOT NULL,
                "label" character varying(100) NOT NULL DEFAULT '',
                "key_ciphertext" text NOT NULL,
                "key_version" smallint NOT NULL,
                "key_hint" character varying(8) NOT NULL,
                "key_fingerprint" character(64) NOT NULL,
                "priority" integer NOT NULL DEFAULT '0',
                "weight" integer NOT NULL DEFAULT '1',
                "rpm" integer,
                "tpm" integer,
                "rpd" integer,
                "tpd" bigint,
                "status" character varying(16) NOT NULL DEFAULT 'enabled',
                "health" character varying(16) NOT NULL DEFAULT 'unknown',
                "last_checked_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "channel_keys_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "channel_keys_channel_id_idx" ON "channel_keys" ("channel_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "channel_keys_channel_fingerprint_key" ON "channel_keys" ("channel_id", "key_fingerprint")
        `);
        await queryRunner.query(`
            CREATE TABLE "tenants" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "name" character varying(200) NOT NULL,
                "group" character varying(64) NOT NULL DEFAULT 'default',
                "timezone" character varying(64) NOT NULL DEFAULT 'UTC',
                "billing_email" character varying(320),
                "status" character varying(16) NOT NULL DEFAULT 'active',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "tenants_name_key" ON "tenants" ("name")
        `);
        await queryRunner.query(`
            CREATE TABLE "tokens" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "tenant_id" uuid NOT NULL,
                "user_id" uuid,
                "name" character varying(100) NOT NULL,
                "key_hash" character(64) NOT NULL,
                "key_hint" character varying(8) NOT NULL,
                "quota_nano" bigint,
                "used_nano" bigint NOT NULL DEFAULT '0',
                "expires_at" TIMESTAMP WITH TIME ZONE,
                "models" text array NOT NULL DEFAULT '{}',
                "ip_allowlist" text array NOT NULL DEFAULT '{}',
                "rpm" integer,
                "tpm" integer,
                "status" character varying(16) NOT NULL DEFAULT 'active',
                "last_used_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "tokens_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "tokens_tenant_id_idx" ON "tokens" ("tenant_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "tokens_user_id_idx" ON "tokens" ("user_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "tokens_key_hash_key" ON "tokens" ("key_hash")
        `);
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD "name" character varying(200)
        `);
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD "tenant_id" uuid
        `);
        await queryRunner.query(`
            CREATE INDEX "users_tenant_id_idx" ON "users" ("tenant_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "channel_keys"
            ADD CONSTRAINT "channel_keys_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD CONSTRAINT "users_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "users" DROP CONSTRAINT "users_tenant_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "channel_keys" DROP CONSTRAINT "channel_keys_channel_id_fkey"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."users_tenant_id_idx"
        `);
        await queryRunner.query(`
            ALTER TABLE "users" DROP COLUMN "tenant_id"
        `);
        await queryRunner.query(`
            ALTER TABLE "users" DROP COLUMN "name"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."tokens_key_hash_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."tokens_user_id_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."tokens_tenant_id_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "tokens"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."tenants_name_key"
        `);
        await queryRunner.query(`
            DROP TABLE "tenants"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."channel_keys_channel_fingerprint_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."channel_keys_channel_id_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "channel_keys"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."channels_name_key"
        `);
        await queryRunner.query(`
            DROP TABLE "channels"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."model_prices_model_effective_key"
        `);
        await queryRunner.query(`
            DROP TABLE "model_prices"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."audit_logs_tenant_created_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."audit_logs_created_at_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "audit_logs"
        `);
    }

}
