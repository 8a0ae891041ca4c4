import { MigrationInterface, QueryRunner } from "typeorm";

/** The sweep of expired Idempotency-Keys, whoever's they are, finds them by expiry. */
export class IdempotencyKeysExpiry1796720500000 implements MigrationInterface {
    name = 'IdempotencyKeysExpiry1796720500000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE INDEX "idempotency_keys_expires_at_idx" ON "idempotency_keys" ("expires_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."idempotency_keys_expires_at_idx"
        `);
    }

}
