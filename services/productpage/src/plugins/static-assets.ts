import { readdirSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import fp from 'fastify-plugin'
import { loadCommonJs } from '@bookinfo/service-kit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

// The packages' own dist folders: the assets are installed dependencies, never copies in git.
const BOOTSTRAP_DIST = dirname(dirname(fileURLToPath(import.meta.resolve('bootstrap/dist/css/bootstrap.min.css'))))
const JQUERY_DIST = dirname(fileURLToPath(import.meta.resolve('jquery/dist/jquery.min.js')))

const staticSchema = { hide: true, response: { 200: { type: 'string' } } }

// @fastify/send is what @fastify/static serves files with: ETag, Last-Modified, conditional GET, ranges, the
// content type. Used directly and loaded on the first asset request, it leaves out what @fastify/static adds
// at start-up for features this page does not use (glob over the folder, directory lists, pre-compressed
// files): productpage's idle RSS was 1.9 MiB lower without it (README, "Measured images").
interface SendModule { send: typeof import('@fastify/send').send }
let sendLoaded: Promise<SendModule> | undefined

/** Bootstrap's files, as paths under its dist folder; its source maps and the npm.js shim are left out. */
function bootstrapFiles (): string[] {
  return readdirSync(BOOTSTRAP_DIST, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(BOOTSTRAP_DIST, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((file) => !file.endsWith('.map') && file !== 'js/npm.js')
}

/** One file through @fastify/send, as @fastify/static does it; a file gone since start-up is a plain 404. */
async function sendAsset (request: FastifyRequest, reply: FastifyReply, root: string, file: string): Promise<FastifyReply> {
  const { send } = await loadCommonJs(sendLoaded ??= import('@fastify/send'))
  const result = await send(request.raw, encodeURI(`/${file}`), { root })
  if (result.type === 'error') {
    // send's errors are http-errors with a status (404 for a missing file, as @fastify/static checks too).
    const error = result.metadata.error as Error & { status?: number }
    if (error.status === 404) {
      reply.callNotFound()
      return reply
    }
    // A range past the end: 416 says how long the file is (RFC 9110, 15.5.17), which @fastify/static dropped.
    const range = result.headers['Content-Range']
    if (error.status === 416 && typeof range === 'string') reply.header('content-range', range)
    throw error
  }
  return reply.code(result.statusCode).headers(result.headers).send(result.stream)
}

/**
 * Bootstrap 3 and jQuery at upstream's legacy paths (`static/bootstrap/{css,fonts,js}/…`,
 * `static/jquery.min.js`), so the page needs no CDN (pods may have no egress).
 * One route per existing file: any other /static path is a plain 404.
 */
async function staticAssets (app: FastifyInstance): Promise<void> {
  for (const file of bootstrapFiles()) {
    app.get(`/static/bootstrap/${file}`, { schema: staticSchema }, async (request, reply) => sendAsset(request, reply, BOOTSTRAP_DIST, file))
  }
  app.get('/static/jquery.min.js', { schema: staticSchema }, async (request, reply) => sendAsset(request, reply, JQUERY_DIST, 'jquery.min.js'))
}

export const staticAssetsPlugin = fp(staticAssets, { name: 'productpage-static-assets', fastify: '5.x' })

export { BOOTSTRAP_DIST, JQUERY_DIST }
