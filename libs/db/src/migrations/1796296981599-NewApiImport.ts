import { MigrationInterface, QueryRunner } from "typeorm";

export class NewApiImport1796296981599 implements MigrationInterface {
    name = 'NewApiImport1796296981599'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "import_links" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "source" character varying(16) NOT NULL,
                "installation" character varying(64) NOT NULL,
                "kind" character varying(32) NOT NULL,
                "source_id" character varying(64) NOT NULL,
                "target_id" uuid NOT NULL,
                "digest" character(64) NOT NULL,
                "credited_nano" bigint NOT NULL DEFAULT '0',
                "credit_count" integer NOT NULL DEFAULT '0',
                "secret_digest" character(64),
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "import_links_pkey" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "import_links_source_row_key" ON "import_links" ("source", "installation", "kind", "source_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "users"
            ADD "username" character varying(64)
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "users_username_key" ON "users" ("username")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."users_username_key"
        `);
        await queryRunner.query(`
            ALTER TABLE "users" DROP COLUMN "username"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."import_links_source_row_key"
        `);
        await queryRunner.query(`
            DROP TABLE "import_links"
        `);
    }

}
