import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { findSchedule, listSlots, type ScheduleRow, type SlotRow } from '../../db/schedules.js'
import {
  exposureChartSvg,
  scheduleHeader,
  weeklyReport,
  weeklyReportMarkdown,
} from '../../services/schedule-report.js'
import { ScheduleNotQueued, ScheduleRefused, startSchedule } from '../../services/schedules.js'
import type { AppDeps } from '../app.js'
import { AppError } from '../errors.js'
import { problemResponses } from '../schemas.js'
import { MAX_INT4 } from './networks.js'

const REFUSAL_STATUS: Readonly<Record<ScheduleRefused['code'], number>> = {
  'network-not-found': 404,
  'timezone-unknown': 409,
  'invalid-week': 400,
  'no-risk-snapshot': 409,
  'min-above-max': 400,
  'minimum-exceeds-units': 400,
  'maximum-below-units': 400,
  'station-required': 400,
  'unknown-station': 422,
}

const WEEK = '^\\d{4}-W\\d{2}$'

/** Progress while jobs run, and per day and shift the units and plan ids. */
export function scheduleView(schedule: ScheduleRow, slots: readonly SlotRow[]) {
  const count = (status: SlotRow['status']) => slots.filter((s) => s.status === status).length
  const days = [...new Set(slots.map((s) => s.day))].map((day) => ({
    day,
    shifts: slots
      .filter((s) => s.day === day)
      .map((s) => ({
        shift: s.shift,
        start: s.shift_start.toISOString(),
        hours: s.shift_hours,
        units: s.units,
        expected: s.expected,
        share: s.share,
        explanation: s.explanation,
        status: s.status,
        planId: s.plan_id,
        ...(s.error ? { error: s.error } : {}),
      })),
  }))
  return {
    ...scheduleHeader(schedule),
    settings: schedule.settings,
    progress: {
      done: count('done'),
      failed: count('failed'),
      pending: count('pending'),
      total: slots.length,
    },
    ...(schedule.error ? { error: schedule.error } : {}),
    days,
  }
}

/** Weekly schedules: create (queued jobs), progress and result, weekly report. */
export async function scheduleRoutes(fastify: FastifyInstance, deps: AppDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const NetworkQuery = Type.Object(
    {
      network: Type.String({ maxLength: 63 }),
      version: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT4 })),
    },
    { additionalProperties: false },
  )

  app.post(
    '/v1/schedules',
    {
      config: { roles: ['scheduler'] },
      schema: {
        tags: ['schedules'],
        summary:
          "Plan a week: each day's units split across shifts by expected crime, one job per day × shift (202; poll GET /v1/schedules/{week})",
        body: Type.Object(
          {
            network: Type.String({ maxLength: 63 }),
            week: Type.String({ pattern: WEEK, description: 'ISO week, e.g. 2022-W10' }),
            unitsPerDay: Type.Integer({ minimum: 1, maximum: 120, default: 12 }),
            minPerShift: Type.Integer({ minimum: 0, maximum: 40, default: 1 }),
            maxPerShift: Type.Optional(Type.Integer({ minimum: 0, maximum: 120 })),
            station: Type.Optional(Type.String({ maxLength: 60 })),
            dwellMinutes: Type.Number({ exclusiveMinimum: 0, maximum: 120, default: 12 }),
            explorationShare: Type.Number({ minimum: 0, maximum: 0.5, default: 0.1 }),
          },
          { additionalProperties: false },
        ),
        response: { ...problemResponses(400, 404, 409, 422, 503) },
      },
    },
    async (request, reply) => {
      try {
        const { schedule, slots } = await startSchedule(deps, deps.jobs, {
          ...request.body,
          now: new Date(),
        })
        reply
          .code(202)
          .header(
            'location',
            `/v1/schedules/${schedule.week}?network=${schedule.network_name}&version=${schedule.version}`,
          )
        return { jobId: schedule.id, ...scheduleView(schedule, slots) }
      } catch (err) {
        if (err instanceof ScheduleRefused)
          throw new AppError(REFUSAL_STATUS[err.code], err.code, err.message)
        if (err instanceof ScheduleNotQueued) {
          request.log.error({ err: err.cause, scheduleId: err.schedule.id }, 'job queue refused')
          throw new AppError(503, err.code, err.message, {
            scheduleId: err.schedule.id,
            version: err.schedule.version,
          })
        }
        throw err
      }
    },
  )

  const load = async (network: string, week: string, version?: number) => {
    const schedule = await findSchedule(deps.db, network, week, version)
    if (!schedule)
      throw new AppError(
        404,
        'not-found',
        `no schedule for ${network} ${week}${version ? ` version ${version}` : ''}`,
      )
    return schedule
  }

  app.get(
    '/v1/schedules/:week',
    {
      config: { roles: ['scheduler', 'supervisor', 'analyst'] },
      schema: {
        tags: ['schedules'],
        summary: 'Progress (done/total) while jobs run; per day and shift the units and plan ids',
        params: Type.Object({ week: Type.String({ pattern: WEEK }) }),
        querystring: NetworkQuery,
        response: { ...problemResponses(404) },
      },
    },
    async (request) => {
      const schedule = await load(request.query.network, request.params.week, request.query.version)
      return scheduleView(schedule, await listSlots(deps.db, schedule.id))
    },
  )

  app.get(
    '/v1/schedules/:week/report',
    {
      config: { roles: ['scheduler', 'supervisor', 'analyst'] },
      schema: {
        tags: ['schedules'],
        summary:
          'Weekly report: expected crime per shift, units, plan value vs bound, exploration, and the exposure audit (json, md or svg)',
        params: Type.Object({ week: Type.String({ pattern: WEEK }) }),
        querystring: Type.Object(
          {
            network: Type.String({ maxLength: 63 }),
            version: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INT4 })),
            format: Type.Union([Type.Literal('json'), Type.Literal('md'), Type.Literal('svg')], {
              default: 'json',
            }),
            factor: Type.Number({
              exclusiveMinimum: 1,
              maximum: 100,
              default: 2,
              description: 'flag areas patrolled more than factor × their crime share',
            }),
          },
          { additionalProperties: false },
        ),
        response: { ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      const q = request.query
      const schedule = await load(q.network, request.params.week, q.version)
      const report = (await weeklyReport(deps.db, schedule.id, q.factor))!
      if (q.format === 'md')
        return reply.type('text/markdown; charset=utf-8').send(weeklyReportMarkdown(report))
      if (q.format === 'svg') return reply.type('image/svg+xml').send(exposureChartSvg(report))
      return report
    },
  )
}
