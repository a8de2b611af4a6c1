/** Placeholder replaced below. */
import type { FastifyInstance } from 'fastify'
export function registerProviderDocs(_app: FastifyInstance): void {}
