import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { ROLES } from '../../roles.js'
import { problemResponses } from '../schemas.js'

const Identity = Type.Object({
  keyId: Type.String(),
  role: Type.Union(ROLES.map((r) => Type.Literal(r))),
  label: Type.Union([Type.String(), Type.Null()]),
})

/** `GET /v1/me`: which key the caller presented and its role (lets a client check its setup). */
export async function meRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/v1/me',
    {
      config: { roles: ['analyst', 'supervisor', 'scheduler', 'resident-app'] },
      schema: {
        tags: ['auth'],
        summary: "The caller's API key and role",
        response: { 200: Identity, ...problemResponses(401, 403) },
      },
    },
    async (request) => {
      const key = request.apiKey!
      return { keyId: key.id, role: key.role, label: key.label }
    },
  )
}
