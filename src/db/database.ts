import type { ColumnType } from 'kysely'
import type { Role } from '../roles.js'

/** A timestamp the database fills in on insert. */
type CreatedAt = ColumnType<Date, Date | undefined, never>

export interface ApiKeyTable {
  id: string
  role: Role
  label: string | null
  secret_sha256: string
  created_at: CreatedAt
  revoked_at: Date | null
}

/** Every table, as Kysely sees it. Column names are the SQL ones (snake_case). */
export interface Database {
  api_key: ApiKeyTable
}
