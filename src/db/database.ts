import type { ColumnType, Generated } from 'kysely'
import type { Role } from '../roles.js'

/** A jsonb column: written as JSON text, read back parsed. */
export type Json<T> = ColumnType<T, string, string>

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

export interface StreetNetworkTable {
  id: Generated<number>
  name: string
  version: number
  imported_at: CreatedAt
  source_name: string | null
  source_bytes: number
  source_sha256: string
  west: number
  south: number
  east: number
  north: number
  stats: Json<NetworkStats>
}

/** Per-mode counts kept with a network version (the production profile, and as PROVENANCE counts). */
export interface NetworkStats {
  readonly modes: Readonly<Record<'drive' | 'foot', ModeStats>>
  readonly unfiltered?: Readonly<Record<'drive' | 'foot', ModeStats>>
  readonly importMs?: number
}

export interface ModeStats {
  readonly ways: number
  readonly segments: number
  readonly onewaySegments: number
  readonly directedEdges: number
  readonly nodes: number
  readonly km: number
}

export interface StreetSegmentTable {
  network_id: number
  mode: 'drive' | 'foot'
  seq: number
  id: string
  way_id: number
  highway: string
  name: string | null
  length_m: number
  speed_kmh: number
  oneway: boolean
  from_node: number
  to_node: number
  west: number
  south: number
  east: number
  north: number
  geometry: Json<readonly (readonly [number, number])[]>
}

export interface ReportServiceTable {
  code: string
  name: string
  description: string
  group_name: string
  keywords: Json<readonly string[]>
  attributes: Json<readonly unknown[]>
  welfare: boolean
  notice: string | null
  risk_enabled: boolean
  risk_weight: number
  risk_cap: number
  sort: number
  retired: ColumnType<boolean, boolean | undefined, boolean>
}

export interface CommunityReportTable {
  id: string
  network_name: string
  service_code: string
  status: 'open' | 'closed'
  review: 'unreviewed' | 'reviewed' | 'spam' | 'duplicate'
  status_notes: string | null
  description: string | null
  attributes: Json<Readonly<Record<string, unknown>>>
  lat: number
  lon: number
  address: string | null
  media_url: string | null
  segment_id: string | null
  snap_distance_m: number | null
  requested_at: Date
  updated_at: Date
  duplicate_of: string | null
  report_count: ColumnType<number, number | undefined, number>
  source: 'api' | 'import'
  api_key_id: string | null
  device_hash: string | null
  account_hash: string | null
  area_cell: string
  flagged: ColumnType<boolean, boolean | undefined, boolean>
  flag_reason: string | null
  import_key: string | null
}

/** Personal data of a report, kept apart: never logged, exported or shown in public views. */
export interface ReportContactTable {
  report_id: string
  email: string | null
  phone: string | null
  first_name: string | null
  last_name: string | null
  device_id: string | null
  account_id: string | null
}

/** Every table, as Kysely sees it. Column names are the SQL ones (snake_case). */
export interface Database {
  api_key: ApiKeyTable
  street_network: StreetNetworkTable
  street_segment: StreetSegmentTable
  report_service: ReportServiceTable
  community_report: CommunityReportTable
  report_contact: ReportContactTable
}
