// A workflow bundle, built with the SDK's bundler (webpack) and kept on disk for the next process
// that needs the same one: the orchestrator at each start (services/orchestrator), its prebuild
// entry, and the workflow-test harness (testing/harness.ts: five test files bundle the reservation). A small
// hand-written cache, because the SDK offers a pre-built bundle (`workflowBundle: { code }`) but no way to know when
// one is stale:
//
// - the key covers what shapes the bundle apart from the sources: the SDK's version, the
//   lockfile (every third-party module), the entry (which modules) and the interceptor modules;
// - beside each bundle lies its manifest: every source file outside node_modules that went into it
//   (read from the bundle's own source map) with the SHA-256 of its content. A bundle is reused
//   only when every one of those files still has that content, so an edited workflow, kit file or
//   anything they import is rebuilt; a new import can only come from an edited file.
//
// Building takes a few seconds of CPU and keeps webpack's memory in the process; every test file
// and every restart after a crash paid it. (Its own subpath, @baton/workflow-kit/bundle-cache, so
// that importing the kit does not load the SDK's worker.) Entries are written to a temporary name and renamed, so
// two orchestrators starting at once never read half a file; the newest KEEP bundles are kept.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import type { Logger } from '@temporalio/common';
import { bundleFromSources } from './bundling.js';

const require = createRequire(import.meta.url);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const KEEP = 8;

export interface BundleRequest {
  workflowsPath: string;
  workflowInterceptorModules: string[];
  /** Where bundles are kept; none: always build. */
  cacheDir?: string;
  /** Where the bundler (webpack) reports; the SDK's default prints plain text to stderr. */
  logger?: Logger;
}

export interface BuiltBundle {
  bundle: WorkflowBundle;
  /** Read from the cache, or built now. */
  cached: boolean;
  /** Why it was built (no entry, a changed file), when it was. */
  reason?: string;
}

interface Manifest {
  key: string;
  files: Record<string, string>;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

function keyOf(request: BundleRequest): string {
  const sdk = (
    JSON.parse(readFileSync(require.resolve('@temporalio/worker/package.json'), 'utf8')) as { version: string }
  ).version;
  const lockfile = join(ROOT, 'pnpm-lock.yaml');
  return sha256(
    JSON.stringify({
      sdk,
      node: process.versions.node,
      lockfile: existsSync(lockfile) ? sha256(readFileSync(lockfile)) : 'none',
      entry: readFileSync(request.workflowsPath, 'utf8'),
      interceptors: request.workflowInterceptorModules,
    }),
  );
}

/** The files the bundle was built from, by the source map, with their content's hash. */
function manifestOf(key: string, bundle: WorkflowBundle): Manifest | undefined {
  // The source map is inline, at the end of the code (the SDK's `sourceMap` field is deprecated).
  const inline = /\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/.exec(
    bundle.code,
  );
  if (!inline) return undefined; // nothing says what it was built from: not kept
  const sources =
    (JSON.parse(Buffer.from(inline[1]!, 'base64').toString('utf8')) as { sources?: string[] }).sources ?? [];
  const files: Record<string, string> = {};
  for (const source of sources) {
    const path = source.replace(/^webpack:\/\/\/?/, '').replace(/^file:\/\//, '');
    if (!path.startsWith('/') || path.includes('/node_modules/') || !existsSync(path) || !statSync(path).isFile())
      continue;
    files[path] = sha256(readFileSync(path));
  }
  return { key, files };
}

function staleFile(manifest: Manifest): string | undefined {
  for (const [path, hash] of Object.entries(manifest.files)) {
    if (!existsSync(path) || sha256(readFileSync(path)) !== hash) return path;
  }
  return undefined;
}

function writeAtomically(path: string, data: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

function prune(dir: string): void {
  const manifests = readdirSync(dir)
    .filter((f) => f.endsWith('.manifest.json'))
    .map((f) => ({ f, at: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { f } of manifests.slice(KEEP)) {
    const base = f.slice(0, -'.manifest.json'.length);
    for (const file of [f, `${base}.bundle.js`]) rmSync(join(dir, file), { force: true });
  }
}

/** The bundle for `request`: the cached one if nothing it was built from has changed, else a new build. */
export async function workflowBundle(request: BundleRequest): Promise<BuiltBundle> {
  const { cacheDir } = request;
  const build = async (): Promise<WorkflowBundle> => {
    const { workflowsPath, workflowInterceptorModules, logger } = request;
    const { code } = await bundleWorkflowCode({
      workflowsPath,
      workflowInterceptorModules,
      webpackConfigHook: bundleFromSources,
      ...(logger ? { logger } : {}),
    });
    return { code };
  };
  if (!cacheDir) return { bundle: await build(), cached: false, reason: 'no cache folder' };
  const key = keyOf(request);
  const manifestPath = join(cacheDir, `${key}.manifest.json`);
  const bundlePath = join(cacheDir, `${key}.bundle.js`);
  let reason = 'first build of this code';
  if (existsSync(manifestPath) && existsSync(bundlePath)) {
    try {
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
      const stale = manifest.key === key ? staleFile(manifest) : 'the key';
      if (!stale) {
        const bundle = { code: readFileSync(bundlePath, 'utf8') };
        touch(manifestPath, manifest); // the newest are kept
        return { bundle, cached: true };
      }
      reason = `${stale} changed`;
    } catch (err) {
      reason = `unreadable cache entry (${(err as Error).message})`;
    }
  }
  const bundle = await build();
  const manifest = manifestOf(key, bundle);
  if (!manifest) return { bundle, cached: false, reason: `${reason}; not kept: the bundle names no sources` };
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeAtomically(bundlePath, bundle.code);
    writeAtomically(manifestPath, JSON.stringify(manifest));
    prune(cacheDir);
  } catch (err) {
    // A read-only build folder (an image whose build step bundled other code): run this one.
    return { bundle, cached: false, reason: `${reason}; not kept: ${(err as Error).message}` };
  }
  return { bundle, cached: false, reason };
}

/** Marks a cache entry as used (prune keeps the newest); nothing in a read-only build folder. */
function touch(manifestPath: string, manifest: Manifest): void {
  try {
    writeFileSync(manifestPath, JSON.stringify(manifest));
  } catch {
    // read-only (an image's prebuilt bundle): nothing to prune there either
  }
}

/** The default cache folder: beside the generated entry (the git-ignored build folder, `.baton/build/`). */
export function defaultBundleCacheDir(workflowsPath: string): string {
  return join(dirname(workflowsPath), 'bundles');
}
