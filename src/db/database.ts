import type { ColumnType, Generated, Kysely, Transaction } from 'kysely'
import type { ModeTotals } from '../network/street-segment.js'
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
  /** IANA zone shifts and hour-of-week buckets are read in; set at import or by the first upload. */
  timezone: string | null
}

/** Per-mode counts kept with a network version (the production profile, and as PROVENANCE counts). */
export interface NetworkStats {
  readonly modes: Readonly<Record<'drive' | 'foot', ModeStats>>
  readonly unfiltered?: Readonly<Record<'drive' | 'foot', ModeStats>>
  readonly importMs?: number
}

/** A mode's counts as stored: km rounded to the metre. */
export type ModeStats = ModeTotals

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

export type UploadStatus = 'running' | 'completed' | 'failed' | 'dry-run' | 'repeat'

export interface IncidentUploadTable {
  id: string
  network_name: string
  status: UploadStatus
  dry_run: boolean
  file_names: Json<readonly string[]>
  content_sha256: string | null
  idempotency_scope: string | null
  idempotency_key: string | null
  profile: string | null
  timezone: string | null
  summary: Json<object> | null
  error: Json<{ readonly code: string; readonly message: string }> | null
  repeat_of: string | null
  created_at: Date
  heartbeat_at: Date
  completed_at: Date | null
}

export interface IncidentRejectTable {
  upload_id: string
  seq: number
  file_name: string | null
  line: number
  column_name: string | null
  value: string
  rule: string
  message: string
}

export interface IncidentTable {
  id: Generated<number>
  network_name: string
  source: string
  source_id: string | null
  offence: string
  source_profile: string
  offence_code: string | null
  local_category: string
  category: string
  crime_against: string
  enforcement: boolean
  occurred_from: Date
  occurred_to: Date
  reported_at: Date | null
  lon: number | null
  lat: number | null
  neighbourhood: string | null
  npu: string | null
  beat: string | null
  address: string | null
  upload_id: string
  line: number
}

export interface IncidentSnapTable {
  network_id: number
  mode: 'drive' | 'foot'
  incident_id: number
  segment_id: string
  distance_m: number
}

export interface RiskConfigTable {
  network_name: string
  params: Json<object>
  source: string
  evidence: Json<object> | null
  updated_at: Date
}

export interface RiskSnapshotTable {
  id: Generated<number>
  network_id: number
  mode: 'drive' | 'foot'
  scheme: 'how' | 'shift'
  as_of: Date
  computed_at: Date
  trigger: string
  timezone: string
  params: Json<object>
  incident_count: number
  segment_seqs: Json<readonly number[]>
  bucket_ids: Json<readonly string[]>
  bucket_totals: Json<readonly number[]>
  expected: Uint8Array
}

export interface PatrolStationTable {
  network_name: string
  code: string
  label: string
  lon: number
  lat: number
}

export interface PatrolPlanTable {
  id: string
  network_id: number
  shift_start: Date
  shift_end: Date
  created_at: Date
  api_key_id: string | null
  request: Json<object>
  document: Json<object>
  schedule_key: string | null
}

export interface ScheduleTable {
  id: string
  network_name: string
  network_id: number
  week: string
  version: number
  status: 'running' | 'completed' | 'failed'
  settings: Json<object>
  risk_as_of: Date
  created_at: Date
  completed_at: Date | null
  error: string | null
}

export interface ScheduleSlotTable {
  schedule_id: string
  day: string
  shift: string
  shift_start: Date
  shift_hours: number
  units: number
  expected: number
  share: number
  explanation: string
  seed: number
  status: 'pending' | 'done' | 'failed'
  attempts: ColumnType<number, number | undefined, number>
  plan_id: string | null
  error: string | null
  updated_at: Date
}

/** What a repository function runs on: the database, or a transaction it joins. */
export type Db = Kysely<Database> | Transaction<Database>

/** Every table, as Kysely sees it. Column names are the SQL ones (snake_case). */
export interface Database {
  api_key: ApiKeyTable
  street_network: StreetNetworkTable
  street_segment: StreetSegmentTable
  report_service: ReportServiceTable
  community_report: CommunityReportTable
  report_contact: ReportContactTable
  incident_upload: IncidentUploadTable
  incident_reject: IncidentRejectTable
  incident: IncidentTable
  incident_snap: IncidentSnapTable
  risk_config: RiskConfigTable
  risk_snapshot: RiskSnapshotTable
  patrol_station: PatrolStationTable
  patrol_plan: PatrolPlanTable
  schedule: ScheduleTable
  schedule_slot: ScheduleSlotTable
}
