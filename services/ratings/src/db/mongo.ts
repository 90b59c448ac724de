import type { MongoClient } from 'mongodb'
import { loadCommonJs } from '@bookinfo/service-kit'
import type { DatabaseConfig } from '../config.ts'
import { starsOf, type RatingsSource } from './source.ts'

/**
 * MongoDB through one client reused for every request (upstream connected per request), with short
 * server-selection, connect and query deadlines, and a small pool.
 */
export function mongoSource ({ mongoUrl, connectTimeoutMs, queryTimeoutMs }: DatabaseConfig): RatingsSource {
  let client: MongoClient | undefined
  let closed = false
  // The driver is loaded with the first query: ratings v1 (the default) never needs it, and loading it
  // at start-up cost every ratings process over 100 ms and several MiB.
  let driver: Promise<typeof import('mongodb')> | undefined
  const driverOnce = () => (driver ??= loadCommonJs(import('mongodb')))

  const connected = async (): Promise<MongoClient> => {
    const { MongoClient } = await driverOnce()
    client ??= new MongoClient(mongoUrl, {
      serverSelectionTimeoutMS: connectTimeoutMs,
      connectTimeoutMS: connectTimeoutMs,
      socketTimeoutMS: queryTimeoutMs + connectTimeoutMs,
      maxPoolSize: 4,
      // Fail fast rather than queueing behind a stuck pool.
      waitQueueTimeoutMS: connectTimeoutMs,
    })
    // A no-op once connected; after a failure the driver retries on the next call.
    return client.connect()
  }

  return {
    async load () {
      if (closed) return { kind: 'connect-failed', cause: new Error('ratings source closed') }
      let db
      try {
        db = (await connected()).db('test')
      } catch (cause) {
        return { kind: 'connect-failed', cause }
      }
      try {
        // Upstream read every document; only the first two are ever used.
        const docs = await db.collection('ratings').find({}, { maxTimeMS: queryTimeoutMs, limit: 2 }).toArray()
        return { kind: 'ok', stars: starsOf(docs.map((doc) => doc.rating)) }
      } catch (cause) {
        // The server vanished after we connected: that is the database being unreachable, not a bad query.
        const { MongoNetworkError, MongoServerSelectionError } = await driverOnce()
        if (cause instanceof MongoServerSelectionError || cause instanceof MongoNetworkError) return { kind: 'connect-failed', cause }
        return { kind: 'query-failed', cause }
      }
    },
    async close () {
      closed = true
      await client?.close()
    },
  }
}
