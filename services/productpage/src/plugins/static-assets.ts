import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import fp from 'fastify-plugin'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

// The packages' own dist folders: the assets are installed dependencies, never copies in git.
const BOOTSTRAP_DIST = dirname(dirname(fileURLToPath(import.meta.resolve('bootstrap/dist/css/bootstrap.min.css'))))
const JQUERY_DIST = dirname(fileURLToPath(import.meta.resolve('jquery/dist/jquery.min.js')))

const staticSchema = { hide: true, response: { 200: { type: 'string' } } }

/**
 * Bootstrap 3 and jQuery at upstream's legacy paths (`static/bootstrap/{css,fonts,js}/…`,
 * `static/jquery.min.js`), so the page needs no CDN (pods may have no egress).
 * One route per existing file (`wildcard: false`): any other /static path is a plain 404.
 */
async function staticAssets (app: FastifyInstance): Promise<void> {
  await app.register(fastifyStatic, {
    root: BOOTSTRAP_DIST,
    prefix: '/static/bootstrap/',
    wildcard: false,
    index: false,
    schemaHide: true,
    // Bootstrap's source maps and the npm.js shim get no route at all.
    globIgnore: ['**/*.map', 'js/npm.js'],
  })
  app.get('/static/jquery.min.js', { schema: staticSchema }, async (_request, reply) => {
    return reply.sendFile('jquery.min.js', JQUERY_DIST)
  })
}

export const staticAssetsPlugin = fp(staticAssets, { name: 'productpage-static-assets', fastify: '5.x' })

export { BOOTSTRAP_DIST, JQUERY_DIST }
