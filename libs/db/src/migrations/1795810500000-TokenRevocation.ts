import { MigrationInterface, QueryRunner } from "typeorm";

export class TokenRevocation1795810500000 implements MigrationInterface {
    name = 'TokenRevocation1795810500000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "tokens"
            ADD "revoked_reason" character varying(32)
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "tokens" DROP COLUMN "revoked_reason"
        `);
    }

}
