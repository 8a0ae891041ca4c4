import { MigrationInterface, QueryRunner } from "typeorm";

/** An operator can revoke a redemption code (or a leaked batch) before anyone redeems it. */
export class RedemptionCodeDisabling1796600000000 implements MigrationInterface {
    name = 'RedemptionCodeDisabling1796600000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "redemption_codes"
            ADD "disabled_at" TIMESTAMP WITH TIME ZONE
        `);
        await queryRunner.query(`
            ALTER TABLE "redemption_codes"
            ADD "disabled_by" uuid
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "redemption_codes" DROP COLUMN "disabled_by"
        `);
        await queryRunner.query(`
            ALTER TABLE "redemption_codes" DROP COLUMN "disabled_at"
        `);
    }

}
