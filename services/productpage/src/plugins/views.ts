import { fileURLToPath } from 'node:url'
import fp from 'fastify-plugin'
import view from '@fastify/view'
import handlebars from 'handlebars'
import type { FastifyInstance } from 'fastify'

/** Templates live beside the code (a build that emits JS must copy `src/views` next to it). */
export const VIEWS_DIR = fileURLToPath(new URL('../views/', import.meta.url))

/** Handlebars through @fastify/view. `{{x}}` escapes HTML; only trusted static text uses `{{{x}}}`. */
async function views (app: FastifyInstance): Promise<void> {
  await app.register(view, {
    engine: { handlebars },
    root: VIEWS_DIR,
    options: { partials: { serviceTree: 'partials/service-tree.hbs' } },
    // Templates never change while the process runs: compile each once.
    production: true,
  })
}

export const viewsPlugin = fp(views, { name: 'productpage-views', fastify: '5.x' })
