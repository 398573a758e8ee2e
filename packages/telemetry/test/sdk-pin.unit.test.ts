// The Temporal SDK pin that Baton's imports of SDK internals rely on. A few modules reach past the
// SDK's public API: the workflow tracing reads the SDK's flags (`@temporalio/workflow/lib/`, to
// draw the same random numbers at the same points as the SDK's own interceptors did, so recorded
// histories replay), and the history recorder and replay suite convert histories to and from JSON
// (`@temporalio/common/lib/proto-utils`). Internals can change in any release, so the SDK is pinned
// to an exact version and this test fails on any other: an upgrade starts by checking these
// imports (and `npm test`'s replay suite, which replays every recorded history with the tracing
// interceptors), then moves PINNED here.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SdkFlags } from '@temporalio/workflow/lib/flags.js';

const PINNED = '1.24.0';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Every TypeScript file of the repository (not dependencies, builds or generated files). */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The SDK packages whose internals (`/lib/`) some file imports, with those files. */
function internalImports(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sources(ROOT)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/['"](@temporalio\/[a-z-]+)\/lib\//g)) {
      const files = found.get(match[1]!) ?? [];
      if (!files.includes(relative(ROOT, file))) files.push(relative(ROOT, file));
      found.set(match[1]!, files);
    }
  }
  return found;
}

/** The package.json of `name` as `file` would import it (its entry point, then up to its folder). */
function manifestOf(file: string, name: string): string | undefined {
  let entry: string;
  try {
    entry = createRequire(file).resolve(name);
  } catch {
    return undefined;
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const path = join(dir, 'package.json');
      if ((JSON.parse(readFileSync(path, 'utf8')) as { name?: string }).name === name) return path;
    } catch {
      // no package.json at this level
    }
  }
  return undefined;
}

describe('Temporal SDK pin', () => {
  it('pins every @temporalio package of the catalog to exactly the version the internal imports were written against', () => {
    const catalog = readFileSync(join(ROOT, 'pnpm-workspace.yaml'), 'utf8');
    const pins = [...catalog.matchAll(/^\s*"(@temporalio\/[a-z-]+)":\s*(\S+)\s*$/gm)].map(
      (m) => [m[1]!, m[2]!] as const,
    );
    assert.ok(pins.length >= 5, 'the catalog lists the @temporalio packages');
    for (const [name, version] of pins)
      assert.equal(
        version,
        PINNED,
        `${name} is ${version} in pnpm-workspace.yaml; the SDK internals Baton imports were checked against ${PINNED}`,
      );
  });

  it('finds the installed SDK packages whose internals are imported at the pinned version', () => {
    const imports = internalImports();
    assert.ok(
      imports.has('@temporalio/workflow'),
      'the workflow tracing imports SDK flags (if no longer, drop this test and the pin)',
    );
    for (const [name, files] of imports) {
      // Resolved as the importing files resolve it (the first that has the package as a dependency).
      const manifest = [...files, 'packages/telemetry/package.json']
        .map((file) => manifestOf(join(ROOT, file), name))
        .find((path) => path !== undefined);
      assert.ok(manifest, `${name} resolves from ${files.join(', ')}`);
      const installed = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
      assert.equal(
        installed,
        PINNED,
        `${name} ${installed} is installed, but ${files.join(', ')} import its internals as of ${PINNED}`,
      );
    }
  });

  it('has every SDK flag the workflow tracing consults', () => {
    const tracing = readFileSync(join(ROOT, 'packages/telemetry/src/workflow-interceptors.ts'), 'utf8');
    const used = [...new Set([...tracing.matchAll(/has\('([A-Za-z]+)'\)/g)].map((m) => m[1]!))];
    assert.ok(used.length >= 3, 'the tracing consults the SDK flags by name');
    for (const flag of used) assert.ok(flag in SdkFlags, `SdkFlags.${flag} is gone from @temporalio/workflow`);
  });
});
