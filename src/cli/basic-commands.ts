import { Option, type Command } from 'commander'
import { createApiKey } from '../db/api-keys.js'
import { pendingMigrations } from '../db/migrate.js'
import { serve } from '../main.js'
import { ROLES, type Role } from '../roles.js'
import { action, withDatabase } from './command.js'

/** `patrol serve`, `patrol migrate`, `patrol keys create`. */
export function addBasicCommands(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API (HOST, PORT, DATABASE_URL or PGLITE_DIR from the environment)')
    .action(async () => {
      try {
        await serve(process.env)
      } catch (err) {
        process.stderr.write(`patrol: ${(err as Error).message.replace(/\s+/g, ' ')}\n`)
        process.exit(1)
      }
    })

  program
    .command('migrate')
    .description('apply database migrations (the server also does this at start)')
    .option('--json', 'print a JSON summary as the last line')
    .action(
      action(async (ctx) =>
        withDatabase(ctx, async ({ db, location }) => {
          const pending = await pendingMigrations(db)
          return {
            lines: [`database ${location} is up to date`],
            summary: { database: location, pending: pending.length },
          }
        }),
      ),
    )

  const keys = program.command('keys').description('manage API keys')
  keys
    .command('create')
    .description('create an API key; the key is printed once and only its hash is stored')
    .addOption(
      new Option('--role <role>', 'the role the key carries').choices(ROLES).makeOptionMandatory(),
    )
    .option('--label <text>', 'who or what the key is for')
    .option('--json', 'print a JSON summary as the last line')
    .action(
      action(async (ctx, opts: { role: Role; label?: string }) =>
        withDatabase(ctx, async ({ db }) => {
          const { apiKey, key } = await createApiKey(db, opts.role, opts.label ?? null)
          return {
            lines: [
              key,
              `(key ${apiKey.id}, role ${apiKey.role}: store it now, it is not shown again)`,
            ],
            summary: { id: apiKey.id, role: apiKey.role, key },
          }
        }),
      ),
    )
}
