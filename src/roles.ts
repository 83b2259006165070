/**
 * The roles an API key can carry. A key has exactly one; `admin` may do everything.
 * - analyst: uploads networks and incidents, reads risk and reports
 * - supervisor: requests shift plans
 * - scheduler: the weekly batch job
 * - resident-app: posts resident reports (Open311)
 */
export const ROLES = ['analyst', 'supervisor', 'scheduler', 'resident-app', 'admin'] as const

export type Role = (typeof ROLES)[number]

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value)
}
