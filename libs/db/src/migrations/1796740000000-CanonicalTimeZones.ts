import { MigrationInterface, QueryRunner } from "typeorm";
import { canonicalTimeZone } from "@gateway/common";

/**
 * Zones are stored in their canonical IANA spelling since 1796730000000's release (`Asia/Calcutta`,
 * `asia/kolkata` → `Asia/Kolkata`, `Etc/UTC` → `UTC`): the rows written before are respelled, so the
 * console's picker shows them selected and two spellings of one zone never name two zones. Tenants'
 * zones and channels' day-reset zones only; an invoice keeps the zone it was issued in, as printed.
 * Nothing to undo: both spellings name the same zone.
 */
export class CanonicalTimeZones1796740000000 implements MigrationInterface {
    name = 'CanonicalTimeZones1796740000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        for (const [table, column] of [["tenants", "timezone"], ["channels", "day_reset_zone"]]) {
            const zones: { zone: string }[] = await queryRunner.query(
                `SELECT DISTINCT "${column}" AS "zone" FROM "${table}" WHERE "${column}" IS NOT NULL`,
            );
            for (const { zone } of zones) {
                const canonical = canonicalTimeZone(zone);
                if (canonical === undefined || canonical === zone) continue;
                await queryRunner.query(`UPDATE "${table}" SET "${column}" = $1 WHERE "${column}" = $2`, [canonical, zone]);
            }
        }
    }

    public async down(): Promise<void> {
        // The old spellings named the same zones.
    }
}
