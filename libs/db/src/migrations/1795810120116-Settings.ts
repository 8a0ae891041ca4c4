import { MigrationInterface, QueryRunner } from "typeorm";

export class Settings1795810120116 implements MigrationInterface {
    name = 'Settings1795810120116'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "settings" (
                "key" character varying(64) NOT NULL,
                "value" jsonb NOT NULL,
                "updated_by" uuid,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "settings_pkey" PRIMARY KEY ("key")
            )
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP TABLE "settings"
        `);
    }

}
