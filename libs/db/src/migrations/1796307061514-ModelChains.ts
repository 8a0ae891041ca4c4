import { MigrationInterface, QueryRunner } from "typeorm";

export class ModelChains1796307061514 implements MigrationInterface {
    name = 'ModelChains1796307061514'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "model_chains" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "name" character varying(200) NOT NULL,
                "models" text array NOT NULL,
                "fallback_for" text array NOT NULL DEFAULT '{}',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "model_chains_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "model_chains_name_key" ON "model_chains" ("name")
        `);
        await queryRunner.query(`
            CREATE TABLE "group_routing" (
                "group" character varying(64) NOT NULL,
                "default_chain_id" uuid,
                "hashed_sessions" boolean NOT NULL DEFAULT true,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "group_routing_pkey" PRIMARY KEY ("group")
            )
        `);
        await queryRunner.query(`
            ALTER TABLE "group_routing"
            ADD CONSTRAINT "group_routing_default_chain_id_fkey" FOREIGN KEY ("default_chain_id") REFERENCES "model_chains"("id") ON DELETE SET NULL ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "channel_keys"
            ADD "model_limits" jsonb NOT NULL DEFAULT '{}'
        `);
        await queryRunner.query(`
            ALTER TABLE "usage_records"
            ADD "served_model" character varying(200)
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "usage_records" DROP COLUMN "served_model"
        `);
        await queryRunner.query(`
            ALTER TABLE "channel_keys" DROP COLUMN "model_limits"
        `);
        await queryRunner.query(`
            ALTER TABLE "group_routing" DROP CONSTRAINT "group_routing_default_chain_id_fkey"
        `);
        await queryRunner.query(`
            DROP TABLE "group_routing"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."model_chains_name_key"
        `);
        await queryRunner.query(`
            DROP TABLE "model_chains"
        `);
    }

}
