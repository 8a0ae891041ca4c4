import { MigrationInterface, QueryRunner } from "typeorm";

export class ReasoningPrice1795809052341 implements MigrationInterface {
    name = 'ReasoningPrice1795809052341'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "model_prices"
            ADD "reasoning_per_1m_nano" bigint
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "model_prices" DROP COLUMN "reasoning_per_1m_nano"
        `);
    }

}
