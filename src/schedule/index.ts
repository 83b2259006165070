/**
 * Weekly schedules: the days of an ISO week in local time, their shifts, and how a day's units
 * are split across shifts — in proportion to each shift's expected victim-reported crime (from
 * the hour-of-week risk forecast), within a per-shift minimum and maximum.
 */
export * from './iso-week.js'
export * from './shifts.js'
export * from './staffing.js'
