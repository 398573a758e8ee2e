// The build (`npm run build`, run by infra/bootstrap.sh): every workspace package's TypeScript
// sources, src/**/*.ts, transpiled to dist/**/*.js beside them (same tree, so the sources'
// `./x.js` import specifiers hold; ESM for Node, linked source maps), so services start with
// `node services/<name>/dist/main.js` instead of compiling at every start. Transpile only: no
// bundling and no type checking (`npm run typecheck` does that). Packages export `baton-source`
// (the sources, for tsx, tests and the typecheck) and `default` (dist, for node).
//
// The agents kept in a workflow's folder (workflows/<name>/agents/*.ts) import their workflow's
// sources by relative path (`../src/contracts.js`), which has no built twin at that path: each
// is bundled into workflows/<name>/dist/agents/<agent>.js with its workflow's own modules inlined
// and every package left as an import (so @baton/agent is the one dist copy the server loads).
//
// Incremental: a package is built again only when a source file is newer than its dist stamp (or
// this script is) or its list of sources changed; dist files whose source is gone are removed. Plain JavaScript, so the image's
// build stage and a fresh clone need nothing but Node and the installed esbuild.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = '.build-stamp';
const SELF = fileURLToPath(import.meta.url);
const force = process.argv.includes('--force');
const quiet = process.argv.includes('--quiet');

/** Every file under `dir` (relative paths), depth first. */
function walk(dir, base = dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name), base) : [relative(base, join(dir, d.name))],
  );
}

const newest = (files) => files.reduce((max, f) => Math.max(max, statSync(f).mtimeMs), statSync(SELF).mtimeMs);

const packages = ['packages', 'services', 'workflows'].flatMap((group) =>
  readdirSync(join(ROOT, group), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(ROOT, group, d.name, 'src')))
    .map((d) => join(ROOT, group, d.name)),
);

const started = performance.now();
const common = {
  platform: 'node',
  format: 'esm',
  target: 'node22',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: ROOT,
};
let built = 0;
let files = 0;
for (const dir of packages) {
  const sources = walk(join(dir, 'src')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  const agents = walk(join(dir, 'agents')).filter((f) => f.endsWith('.ts') && !f.includes('/'));
  const inputs = [...sources.map((f) => join(dir, 'src', f)), ...agents.map((f) => join(dir, 'agents', f))];
  const dist = join(dir, 'dist');
  const stamp = join(dist, STAMP);
  files += inputs.length;
  const listed = `${JSON.stringify(inputs.map((f) => relative(dir, f)).sort())}\n`;
  if (
    !force &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8') === listed &&
    newest(inputs) <= statSync(stamp).mtimeMs
  )
    continue;
  const outputs = new Set([STAMP]);
  const out = (f) => {
    const js = f.replace(/\.ts$/, '.js');
    outputs.add(js).add(`${js}.map`);
    return join(dist, f.replace(/\.ts$/, ''));
  };
  await build({
    ...common,
    entryPoints: sources.map((f) => ({ in: join(dir, 'src', f), out: out(f) })),
    outdir: dist,
    bundle: false,
  });
  if (agents.length) {
    await build({
      ...common,
      entryPoints: agents.map((f) => ({ in: join(dir, 'agents', f), out: out(join('agents', f)) })),
      outdir: dist,
      bundle: true,
      packages: 'external',
    });
  }
  for (const f of walk(dist)) if (!outputs.has(f)) rmSync(join(dist, f));
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, listed);
  built++;
}
const ms = Math.round(performance.now() - started);
if (!quiet || built > 0)
  console.log(
    `build: ${built} of ${packages.length} packages built (${files} files; ${ms} ms)${built === 0 ? ', all up to date' : ''}`,
  );
