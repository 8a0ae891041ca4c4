import { MigrationInterface, QueryRunner } from "typeorm";

// Usage rollups (hourly, daily), the pending-hour marks a trigger on usage_records writes, the
// tally of records deleted by retention, and usage_percentile() for exact merged percentiles.
export class UsageRollups1795809381504 implements MigrationInterface {
    name = 'UsageRollups1795809381504'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "usage_rollup_daily" ("tenant_id" uuid NOT NULL, "token_id" uuid NOT NULL, "model" character varying(200) NOT NULL, "channel_id" uuid, "status" smallint NOT NULL, "failed" boolean NOT NULL, "requests" integer NOT NULL, "errors" integer NOT NULL, "prompt_tokens" bigint NOT NULL, "cached_tokens" bigint NOT NULL, "completion_tokens" bigint NOT NULL, "reasoning_tokens" bigint NOT NULL, "cost_nano" bigint NOT NULL, "latency_sum_ms" bigint NOT NULL, "ttft_count" integer NOT NULL, "ttft_sum_ms" bigint NOT NULL, "latency_p50_ms" double precision NOT NULL, "latency_p95_ms" double precision NOT NULL, "ttft_p50_ms" double precision, "ttft_p95_ms" double precision, "latency_values" integer array NOT NULL, "latency_counts" integer array NOT NULL, "ttft_values" integer array NOT NULL, "ttft_counts" integer array NOT NULL, "id" BIGSERIAL NOT NULL, "day" date NOT NULL, CONSTRAINT "usage_rollup_daily_pkey" PRIMARY KEY ("id"))
        `);
        await queryRunner.query(`
            CREATE INDEX "usage_rollup_daily_tenant_day_idx" ON "usage_rollup_daily" ("tenant_id", "day")
        `);
        await queryRunner.query(`
            CREATE INDEX "usage_rollup_daily_day_idx" ON "usage_rollup_daily" ("day")
        `);
        await queryRunner.query(`
            CREATE TABLE "usage_rollup_hourly" ("tenant_id" uuid NOT NULL, "token_id" uuid NOT NULL, "model" character varying(200) NOT NULL, "channel_id" uuid, "status" smallint NOT NULL, "failed" boolean NOT NULL, "requests" integer NOT NULL, "errors" integer NOT NULL, "prompt_tokens" bigint NOT NULL, "cached_tokens" bigint NOT NULL, "completion_tokens" bigint NOT NULL, "reasoning_tokens" bigint NOT NULL, "cost_nano" bigint NOT NULL, "latency_sum_ms" bigint NOT NULL, "ttft_count" integer NOT NULL, "ttft_sum_ms" bigint NOT NULL, "latency_p50_ms" double precision NOT NULL, "latency_p95_ms" double precision NOT NULL, "ttft_p50_ms" double precision, "ttft_p95_ms" double precision, "latency_values" integer array NOT NULL, "latency_counts" integer array NOT NULL, "ttft_values" integer array NOT NULL, "ttft_counts" integer array NOT NULL, "id" BIGSERIAL NOT NULL, "hour" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "usage_rollup_hourly_pkey" PRIMARY KEY ("id"))
        `);
        await queryRunner.query(`
            CREATE INDEX "usage_rollup_hourly_tenant_hour_idx" ON "usage_rollup_hourly" ("tenant_id", "hour")
        `);
        await queryRunner.query(`
            CREATE INDEX "usage_rollup_hourly_hour_idx" ON "usage_rollup_hourly" ("hour")
        `);
        await queryRunner.query(`
            CREATE TABLE "usage_retired" ("tenant_id" uuid NOT NULL, "token_id" uuid NOT NULL, "requests" bigint NOT NULL, "cost_nano" bigint NOT NULL, "covered_nano" bigint NOT NULL, CONSTRAINT "usage_retired_pkey" PRIMARY KEY ("tenant_id", "token_id"))
        `);
        await queryRunner.query(`
            CREATE TABLE "usage_rollup_pending" ("id" BIGSERIAL NOT NULL, "hour" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "usage_rollup_pending_pkey" PRIMARY KEY ("id"))
        `);
        await queryRunner.query(`
            CREATE INDEX "usage_rollup_pending_hour_idx" ON "usage_rollup_pending" ("hour")
        `);
        await queryRunner.query(`
            CREATE FUNCTION usage_percentile(vs integer[], cs bigint[], p double precision) RETURNS double precision
            LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
                -- percentile_cont(p) over a histogram (value, count), computed exactly as PostgreSQL
                -- computes it over the rows themselves, so merged rollups give the raw rows' numbers.
                WITH h AS (
                    SELECT u.v, sum(u.c) OVER (ORDER BY u.v) AS upto, sum(u.c) OVER () AS n
                    FROM unnest(vs, cs) AS u(v, c)
                ), x AS (SELECT p * (max(h.n) - 1)::double precision AS pos FROM h)
                SELECT a.lo::double precision + ((x.pos - floor(x.pos)) * (b.hi::double precision - a.lo::double precision))
                FROM x,
                    LATERAL (SELECT min(h.v) AS lo FROM h WHERE h.upto::double precision > floor(x.pos)) a,
                    LATERAL (SELECT min(h.v) AS hi FROM h WHERE h.upto::double precision > ceil(x.pos)) b
            $fn$
        `);
        await queryRunner.query(`
            CREATE FUNCTION usage_rollup_mark_hours() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                -- Same transaction as the records: a committed record always has its hour marked.
                INSERT INTO usage_rollup_pending (hour)
                SELECT DISTINCT date_trunc('hour', n.started_at, 'UTC') FROM usage_new_records n;
                RETURN NULL;
            END
            $fn$
        `);
        await queryRunner.query(`
            CREATE TRIGGER usage_records_rollup_mark AFTER INSERT ON usage_records
            REFERENCING NEW TABLE AS usage_new_records
            FOR EACH STATEMENT EXECUTE FUNCTION usage_rollup_mark_hours()
        `);
        // Records stored before this migration: their hours are rolled up by the worker's next runs
        // (read from the records until then).
        await queryRunner.query(`
            INSERT INTO usage_rollup_pending (hour)
            SELECT DISTINCT date_trunc('hour', started_at, 'UTC') FROM usage_records
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP TRIGGER usage_records_rollup_mark ON usage_records
        `);
        await queryRunner.query(`
            DROP FUNCTION usage_rollup_mark_hours()
        `);
        await queryRunner.query(`
            DROP FUNCTION usage_percentile(integer[], bigint[], double precision)
        `);
        await queryRunner.query(`
            DROP INDEX "public"."usage_rollup_pending_hour_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "usage_rollup_pending"
        `);
        await queryRunner.query(`
            DROP TABLE "usage_retired"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."usage_rollup_hourly_hour_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."usage_rollup_hourly_tenant_hour_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "usage_rollup_hourly"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."usage_rollup_daily_day_idx"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."usage_rollup_daily_tenant_day_idx"
        `);
        await queryRunner.query(`
            DROP TABLE "usage_rollup_daily"
        `);
    }

}
