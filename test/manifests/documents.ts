import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parseAllDocuments } from 'yaml'

/** A Kubernetes-style object as read from YAML, with where it came from (for failure messages). */
export interface Manifest {
  apiVersion: string
  kind: string
  metadata: { name: string, namespace?: string, labels?: Record<string, string>, annotations?: Record<string, string> }
  [field: string]: unknown
}

export interface SourcedManifest {
  source: string
  manifest: Manifest
}

export const REPO_ROOT = join(import.meta.dirname, '..', '..')

/** Every *.yaml / *.yml file below `dir` (repo-relative paths, sorted), skipping nothing but node_modules. */
export function yamlFilesUnder (dir: string): string[] {
  const found: string[] = []
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue
      const path = join(abs, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (/\.ya?ml$/.test(entry.name)) found.push(relative(REPO_ROOT, path))
    }
  }
  walk(join(REPO_ROOT, dir))
  return found.sort()
}

/**
 * Parses a multi-document YAML stream. Throws on syntax errors and on documents that are not objects with
 * apiVersion, kind and metadata.name (empty documents, e.g. a trailing `---`, are dropped).
 */
export function parseManifests (text: string, source: string): SourcedManifest[] {
  const out: SourcedManifest[] = []
  parseAllDocuments(text).forEach((doc, index) => {
    const where = `${source} (document ${index + 1})`
    if (doc.errors.length > 0) throw new Error(`${where}: YAML error: ${doc.errors[0]?.message}`)
    const value: unknown = doc.toJS()
    if (value === null || value === undefined) return
    out.push({ source: where, manifest: asManifest(value, where) })
  })
  return out
}

export function readManifests (repoRelativePath: string): SourcedManifest[] {
  return parseManifests(readFileSync(join(REPO_ROOT, repoRelativePath), 'utf8'), repoRelativePath)
}

function asManifest (value: unknown, where: string): Manifest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: not a YAML mapping`)
  const record = value as Record<string, unknown>
  const metadata = record.metadata as Record<string, unknown> | undefined
  if (typeof record.apiVersion !== 'string' || typeof record.kind !== 'string') {
    throw new Error(`${where}: missing apiVersion or kind`)
  }
  if (typeof metadata?.name !== 'string' || metadata.name === '') throw new Error(`${where}: missing metadata.name`)
  return record as unknown as Manifest
}
