import { MigrationInterface, QueryRunner } from "typeorm";

export class ChannelProbes1795808591205 implements MigrationInterface {
    name = 'ChannelProbes1795808591205'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "channel_key_probes" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "key_id" uuid NOT NULL,
                "channel_id" uuid NOT NULL,
                "job_id" character varying(200),
                "trigger" character varying(16) NOT NULL,
                "result" character varying(16) NOT NULL,
                "http_status" integer,
                "latency_ms" integer NOT NULL,
                "message" character varying(500) NOT NULL,
                "checked_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "channel_key_probes_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "channel_key_probes_job_id_key" ON "channel_key_probes" ("job_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "channel_key_probes_checked_at_idx" ON "channel_key_probes" ("checked_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "channel_key_probes_key_checked_idx" ON "channel_key_probes" ("key_id", "checked_at")
        `);
        await queryRunner.query(`
            ALTER TABLE "channels"
            ADD "disabled_reason" character varying(500)
        `);
        await queryRunner.query(`
            ALTER TABLE "channel_keys"
            ADD "last_latency_ms" integer
        `);
        await queryRunner.query(`
            ALTER TABLE "channel_keys"
            ADD "consecutive_failures" integer NOT NULL DEFAULT '0'
        `);
        await queryRunner.query(`
            ALTER TABLE "channel_keys"
            ADD "disabled_reason" character varying(500)
        `);
        await queryRunner.query(`
            ALTER TABLE "channel_key_probes"
            ADD CONSTRAINT "channel_key_probes_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "channel_keys"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "channel_key_probes" DROP CONSTRAINT "channel_key_probes_key_id_fkey"
        `);
        await queryRunner.query(`
            ALTER TABLE "channel_keys" DROP COLUMN "disabled_reason"
        `);
        await queryRunner.query(`
            ALTER TABLE "channel_keys" DROP COLUMN "consecutive_failures"
        `);
        await queryRunner.query(`
            ALTER TABLE "channel_keys" DROP COLUMN "last_latency_ms"
        `);
        await queryRunner.query(`
            ALTER TABLE "channels" DROP COLUMN "disabled_reason"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."channel_key_probes_key_checked_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."channel_key_probes_checked_at_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."channel_key_probes_job_id_key"
        `);
        await queryRunner.query(`
            DROP TABLE "channel_key_probes"
        `);
    }

}
