import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getFreePort } from './ports.ts'
import { startProcess, type ManagedProcess } from './process.ts'

export interface MariaDb {
  host: string
  port: number
  /** A non-root account with a password and all privileges on the `test` database. */
  user: string
  password: string
  /** Runs SQL as root over the server's socket (tests use it to change or break data); returns stdout. */
  sql: (statements: string) => Promise<string>
  /** Shuts the server down (SIGTERM, waits) and deletes its data directory. Safe to call twice. */
  stop: () => Promise<void>
}

/** ratings' environment for this database: DB_TYPE=mysql and the MYSQL_DB_* connection variables. */
export function ratingsMysqlEnv (db: MariaDb): Record<string, string> {
  return { DB_TYPE: 'mysql', MYSQL_DB_HOST: db.host, MYSQL_DB_PORT: String(db.port), MYSQL_DB_USER: db.user, MYSQL_DB_PASSWORD: db.password }
}

export interface MariaDbOptions {
  /** SQL files loaded as root after start (the caller's own, e.g. ratings' `db/mysql-seed.sql`). */
  seedFiles: string[]
}

// Debian's mariadb-server package (mariadbd comes via mariadb-server-core, the client via mariadb-client).
const BINARIES = [
  { path: '/usr/sbin/mariadbd', pkg: 'mariadb-server' },
  { path: '/usr/bin/mariadb-install-db', pkg: 'mariadb-server' },
  { path: '/usr/bin/mariadb', pkg: 'mariadb-client' },
]
const USER = 'bookinfo'

/**
 * Starts a real MariaDB server in a fresh temporary data directory, listening on a free loopback port,
 * with a password-protected user and the seed loaded. No container, no network: Debian's binaries only.
 */
export async function startMariaDb (opts: MariaDbOptions): Promise<MariaDb> {
  for (const { path, pkg } of BINARIES) {
    if (!existsSync(path)) {
      throw new Error(`${path} not found: install the Debian package ${pkg} (apt-get install -y ${pkg})`)
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'mariadb-'))
  const dataDir = join(dir, 'data')
  const socket = join(dir, 'mariadbd.sock')
  // mariadbd refuses to run as root unless told to; as another user it runs as that user.
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : []

  try {
    await run('/usr/bin/mariadb-install-db', [
      '--no-defaults', `--datadir=${dataDir}`, ...asRoot,
      // root@localhost by socket without a password, no anonymous users, no test database to collide with the seed.
      '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve',
    ])
    const server = await startServer(dir, dataDir, socket, asRoot)
    const onExit = () => { server.process.child.kill('SIGKILL') }
    process.once('exit', onExit)

    const sql = (statements: string) => run('/usr/bin/mariadb', ['--no-defaults', '--protocol=socket', `--socket=${socket}`, '-uroot', '--batch'], statements)
    let stopped = false
    const stop = async () => {
      if (stopped) return
      stopped = true
      process.removeListener('exit', onExit)
      await server.process.stop('SIGTERM')
      await rm(dir, { recursive: true, force: true })
    }

    try {
      for (const file of opts.seedFiles) await sql(await readFile(file, 'utf8'))
      const password = randomBytes(12).toString('hex')
      await sql(`CREATE USER '${USER}'@'%' IDENTIFIED BY '${password}';\nGRANT ALL PRIVILEGES ON test.* TO '${USER}'@'%';`)
      return { host: '127.0.0.1', port: server.port, user: USER, password, sql, stop }
    } catch (err) {
      await stop()
      throw err
    }
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw err
  }
}

async function startServer (dir: string, dataDir: string, socket: string, asRoot: string[]): Promise<{ process: ManagedProcess, port: number }> {
  // A free port can be taken between the probe and the bind: try a few.
  for (let attempt = 1; ; attempt++) {
    const port = await getFreePort()
    try {
      const proc = await startProcess('/usr/sbin/mariadbd', [
        '--no-defaults', `--datadir=${dataDir}`, ...asRoot,
        `--port=${port}`, '--bind-address=127.0.0.1', `--socket=${socket}`,
        `--pid-file=${join(dir, 'mariadbd.pid')}`, `--tmpdir=${dir}`,
        '--skip-name-resolve', '--innodb-buffer-pool-size=16M',
      ], { readyText: 'ready for connections', timeoutMs: 30_000 })
      return { process: proc, port }
    } catch (err) {
      if (attempt < 3 && String((err as Error).message).includes('Address already in use')) continue
      throw err
    }
  }
}

/** Runs a command to completion (stdin from `input`); rejects with its output on a non-zero exit. */
async function run (command: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr.on('data', (d: Buffer) => { err += d.toString() })
    child.on('error', reject)
    child.on('exit', (code) => {
      if (code === 0) resolve(out)
      else reject(new Error(`${command} exited with ${code}:\n${err}${out}`))
    })
    child.stdin.end(input ?? '')
  })
}
