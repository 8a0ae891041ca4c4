import { MigrationInterface, QueryRunner } from "typeorm";

/** Idempotency-Key on the /api POSTs that move money: each caller's keys and their first answers. */
export class IdempotencyKeys1796640000000 implements MigrationInterface {
    name = 'IdempotencyKeys1796640000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "idempotency_keys" (
                "principal" uuid NOT NULL,
                "key" character varying(255) NOT NULL,
                "claim" uuid NOT NULL,
                "request" text NOT NULL,
                "request_hash" character(64) NOT NULL,
                "response_status" smallint,
                "response_type" character varying(255),
                "response_body" text,
                "key_version" integer,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("principal", "key")
            )
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP TABLE "idempotency_keys"
        `);
    }

}
