import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Emails are now stored NFKC-normalised (canonicalEmail in libs/identity), and looked up that way at
 * login. An account stored before in another form (`e` + a combining accent, a full-width letter)
 * would no longer be found, so its email is rewritten in place; when two such rows fold into one
 * address, the oldest takes it and the others stay as they were, for an operator to merge. Letters
 * were already lower-cased. Only a UTF8 database has normalize(); another has nothing to rewrite.
 */
export class CanonicalEmails1796583144659 implements MigrationInterface {
    name = 'CanonicalEmails1796583144659'

    public async up(queryRunner: QueryRunner): Promise<void> {
        const [{ server_encoding }] = (await queryRunner.query(`SHOW server_encoding`)) as { server_encoding: string }[];
        if (server_encoding !== 'UTF8') return;
        await queryRunner.query(`
            UPDATE "users" AS u SET "email" = c.canonical
              FROM (
                SELECT DISTINCT ON (normalize("email", NFKC)) "id", normalize("email", NFKC) AS canonical
                  FROM "users"
                 WHERE "email" <> normalize("email", NFKC)
                 ORDER BY normalize("email", NFKC), "created_at", "id"
              ) AS c
             WHERE u."id" = c."id"
               AND NOT EXISTS (SELECT 1 FROM "users" AS taken WHERE taken."email" = c.canonical)
        `);
    }

    public async down(): Promise<void> {
        // The earlier spellings are not kept; a canonical email works under the old code too.
    }

}
