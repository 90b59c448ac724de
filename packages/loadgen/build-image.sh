#!/usr/bin/env bash
# Prepares packages/loadgen/.image/ for the Dockerfile: this package compiled to JS, its production
# dependencies (pnpm deploy), @bookinfo/test-helpers' oidc-browser compiled to JS in place of its
# TypeScript (Node does not strip types under node_modules), and the IdP's seed for the personas.
set -euo pipefail
cd "$(dirname "$0")"
out=.image
rm -rf "$out" dist
echo "loadgen image: compiling"
tsc -p tsconfig.build.json
echo "loadgen image: production dependencies"
pnpm --filter @bookinfo/loadgen deploy --prod --legacy "$out/packages/loadgen" >/dev/null
cp -r dist "$out/packages/loadgen/dist"
rm -rf "$out/packages/loadgen/src" "$out/packages/loadgen/test" "$out/packages/loadgen/tsconfig.build.json"
# A real folder in place of the workspace link (never write through it into packages/test-helpers).
helpers="$out/packages/loadgen/node_modules/@bookinfo/test-helpers"
rm -rf "$helpers"
mkdir -p "$helpers"
tsc --outDir "$helpers" --rootDir ../test-helpers/src --module nodenext --moduleResolution nodenext --target es2024 \
  --rewriteRelativeImportExtensions --skipLibCheck --types node ../test-helpers/src/oidc-browser.ts
printf '{ "name": "@bookinfo/test-helpers", "private": true, "type": "module", "exports": { "./oidc-browser": "./oidc-browser.js" } }\n' \
  > "$helpers/package.json"
cp ../../dev/idp/seed.json "$out/seed.json"
echo "loadgen image: ready in packages/loadgen/$out"
