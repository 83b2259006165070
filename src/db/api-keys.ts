import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Role } from '../roles.js'
import type { Database } from './database.js'

export interface ApiKey {
  readonly id: string
  readonly role: Role
  readonly label: string | null
}

const KEY_PATTERN = /^pat_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}

/**
 * Creates a key and stores only the SHA-256 of its secret (the secret is 256 random bits, so a
 * fast hash is enough; there is nothing to brute-force).
 * @returns the key record and the full key text, which is shown once and never stored.
 */
export async function createApiKey(
  db: Kysely<Database>,
  role: Role,
  label: string | null = null,
): Promise<{ readonly apiKey: ApiKey; readonly key: string }> {
  const id = randomBytes(8).toString('hex')
  const secret = randomBytes(32).toString('base64url')
  await db
    .insertInto('api_key')
    .values({ id, role, label, secret_sha256: sha256(secret).toString('hex') })
    .execute()
  return { apiKey: { id, role, label }, key: `pat_${id}_${secret}` }
}

/**
 * Finds the live key matching a presented key text.
 * @returns the key, or `undefined` for a malformed, unknown, revoked or wrong key.
 */
export async function findApiKey(
  db: Kysely<Database>,
  presented: string,
): Promise<ApiKey | undefined> {
  const match = KEY_PATTERN.exec(presented)
  if (!match) return undefined
  const row = await db
    .selectFrom('api_key')
    .select(['id', 'role', 'label', 'secret_sha256'])
    .where('id', '=', match[1])
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  if (!row) return undefined
  const expected = Buffer.from(row.secret_sha256, 'hex')
  // constant time: the comparison must not reveal how many bytes matched
  if (!timingSafeEqual(expected, sha256(match[2]))) return undefined
  return { id: row.id, role: row.role, label: row.label }
}

/** Number of keys that are not revoked. */
export async function countActiveApiKeys(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('api_key')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
