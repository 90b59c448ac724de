import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { PolicySet } from '../types.ts'
import { emptyPolicySet, parsePolicies } from './documents.ts'
import { PolicyLoadError } from './read.ts'

async function yamlFiles (path: string): Promise<string[]> {
  let info
  try {
    info = await stat(path)
  } catch {
    throw new PolicyLoadError(`${path}: no such file or directory`)
  }
  if (!info.isDirectory()) return [path]
  const entries = await readdir(path, { withFileTypes: true })
  const nested = await Promise.all(entries
    .filter((e) => e.isDirectory() || /\.ya?ml$/.test(e.name))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((e) => yamlFiles(join(path, e.name))))
  return nested.flat()
}

/**
 * Loads every security.istio.io resource from the given files and directories (recursively,
 * `*.yaml`/`*.yml`). The files are read as they are: a kustomization beside them is skipped, and its
 * patches are not applied.
 */
export async function loadPolicies (paths: string[]): Promise<PolicySet> {
  if (paths.length === 0) throw new PolicyLoadError('no policy files given')
  const set = emptyPolicySet()
  for (const path of paths) {
    for (const file of await yamlFiles(path)) parsePolicies(await readFile(file, 'utf8'), file, set)
  }
  return set
}
