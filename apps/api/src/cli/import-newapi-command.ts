// What `npm run import:newapi` does once the api's modules are up: open the source, run the
// import as the first super admin (or --as), and hand back the report.
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import { Role, User } from '@gateway/identity';
import type { Actor } from '@gateway/identity';
import { NewApiMigrationReport, NewApiMigrationService, openSource } from '@gateway/migration';
import { DataSource } from 'typeorm';

export const USAGE =
  'usage: npm run import:newapi -- --from <newapi.db | mysql://… | postgres://…> [--dry-run] [--installation <name>] [--as <super admin email>]';

export async function importNewApiCommand(
  app: INestApplicationContext,
  argv: string[],
): Promise<NewApiMigrationReport> {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      installation: { type: 'string' },
      as: { type: 'string' },
    },
    strict: true,
  });
  if (!values.from) throw new Error(USAGE);
  const actor = await superAdmin(app.get(DataSource), values.as);
  const source = await openSource(sourcePath(values.from));
  try {
    return await app.get(NewApiMigrationService).run(actor, source, {
      dryRun: values['dry-run'] ?? false,
      ...(values.installation ? { installation: values.installation } : {}),
    });
  } finally {
    await source.close();
  }
}

/** The audit trail names who ran the import: the named super admin, or the first one. */
async function superAdmin(dataSource: DataSource, email: string | undefined): Promise<Actor> {
  const user = await dataSource.getRepository(User).findOne({
    where: { role: Role.SuperAdmin, disabled: false, ...(email ? { email: email.toLowerCase() } : {}) },
    order: { createdAt: 'ASC' },
  });
  if (!user)
    throw new Error(
      email ? `no enabled super admin ${email}` : 'no super admin yet: start the api once first',
    );
  return {
    userId: user.id,
    email: user.email,
    role: user.role,
    tenantId: null,
    ip: null,
    requestId: 'cli:import-newapi',
  };
}

/**
 * A database URL as given; a file path as the operator meant it: `npm run` starts the command in
 * the checkout, so a relative path is taken from where npm was run (INIT_CWD), not from there.
 */
export function sourcePath(from: string, env: NodeJS.ProcessEnv = process.env): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(from) || isAbsolute(from)) return from;
  return resolve(env['INIT_CWD'] ?? process.cwd(), from);
}
