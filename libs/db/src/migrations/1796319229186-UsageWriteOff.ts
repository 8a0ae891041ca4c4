import { MigrationInterface, QueryRunner } from "typeorm";

export class UsageWriteOff1796319229186 implements MigrationInterface {
    name = 'UsageWriteOff1796319229186'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "usage_records"
            ADD "written_off_nano" bigint NOT NULL DEFAULT '0'
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "usage_records" DROP COLUMN "written_off_nano"
        `);
    }

}
