// bookinfo-loadgen: plays the personas against productpage at a set rate; see ../README.md.
//   ./scripts/node packages/loadgen/src/cli.ts --target local --rate 2 --duration 30
import { connectEverythingTo } from './connect-to.ts'
import { parseOptions } from './options.ts'
import { loadPersonas } from './personas.ts'
import { runLoad, summarize } from './run.ts'

let options
try {
  options = parseOptions(process.argv.slice(2))
} catch (error) {
  process.stderr.write(`loadgen: ${(error as Error).message}\n`)
  process.exit(2)
}
if (options.connectTo !== undefined) connectEverythingTo(options.connectTo)
const all = loadPersonas(options.seed)
const personas = options.personas === undefined ? all : all.filter((persona) => options.personas?.includes(persona.name))
if (personas.length === 0) {
  process.stderr.write(`loadgen: no persona among ${options.personas?.join(',') ?? ''} (known: ${all.map((p) => p.name).join(', ')})\n`)
  process.exit(2)
}

const stop = new AbortController()
process.once('SIGINT', () => stop.abort())
process.once('SIGTERM', () => stop.abort())
const limits = [options.sessions > 0 ? `${options.sessions} sessions` : '', options.durationMs > 0 ? `${options.durationMs / 1000} s` : ''].filter(Boolean)
process.stdout.write(`loadgen: ${options.target}${options.connectTo ? ` (connecting to ${options.connectTo})` : ''}, ` +
  `${options.rate} sessions/s, ${options.pages} page views each, personas ${personas.map((p) => p.name).join(', ')}, ` +
  `until ${limits.length > 0 ? limits.join(' or ') : 'stopped (Ctrl-C)'}\n`)

let lastReport = Date.now()
const totals = await runLoad({
  ...options,
  personas,
  signal: stop.signal,
  onSession: (result, running) => {
    if (result.error !== undefined) process.stdout.write(`loadgen: ${result.persona} session failed: ${result.error}\n`)
    if (Date.now() - lastReport >= 5000) {
      lastReport = Date.now()
      process.stdout.write(`loadgen: ${summarize(running)}\n`)
    }
  },
})
process.stdout.write(`loadgen: done: ${summarize(totals)}\n`)
process.stdout.write(`${JSON.stringify({ byPersona: totals.byPersona })}\n`)
process.exit(totals.sessions > 0 && totals.failedSessions === totals.sessions ? 1 : 0)
