import { MigrationInterface, QueryRunner } from "typeorm";

export class PlanEnforcement1795808531752 implements MigrationInterface {
    name = 'PlanEnforcement1795808531752'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "plan_period_usage" (
                "tenant_id" uuid NOT NULL,
                "period_start" TIMESTAMP WITH TIME ZONE NOT NULL,
                "requests" bigint NOT NULL DEFAULT '0',
                "input_tokens" bigint NOT NULL DEFAULT '0',
                "output_tokens" bigint NOT NULL DEFAULT '0',
                "spend_nano" bigint NOT NULL DEFAULT '0',
                "covered_nano" bigint NOT NULL DEFAULT '0',
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "plan_period_usage_pkey" PRIMARY KEY ("tenant_id", "period_start")
            )
        `);
        await queryRunner.query(`
            ALTER TABLE "usage_records"
            ADD "covered_nano" bigint NOT NULL DEFAULT '0'
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "usage_records" DROP COLUMN "covered_nano"
        `);
        await queryRunner.query(`
            DROP TABLE "plan_period_usage"
        `);
    }

}
