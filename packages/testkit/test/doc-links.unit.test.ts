// The documentation's links stay inside the repository and resolve: every relative link in every
// tracked Markdown file names a file or folder that exists, a `#anchor` into a Markdown file names
// one of its headings (GitHub's slugs), and no link leaves the repository root. README.md stays a
// front door of at most 250 lines.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The text outside fenced code blocks and inline code spans (a span may wrap lines), each line
 *  where it was, so an offset still gives the line number. */
function prose(text: string): string {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (!fence || marker.startsWith(fence))) {
      fence = fence ? undefined : marker;
      lines.push('');
      continue;
    }
    lines.push(fence ? '' : line);
  }
  return lines.join('\n').replace(/(`+)(?:[^`\n]|\n(?!\s*\n))*?\1/g, (span) => span.replace(/[^\n]/g, ' '));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a Markdown file offers: its headings (repeats numbered as GitHub does) and HTML ids. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence = false;
  for (const line of text.split('\n')) {
    if (/^\s*(`{3,}|~{3,})/.test(line)) fence = !fence;
    if (fence) continue;
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const base = slug(heading);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const m of line.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(m[1]!);
  }
  return anchors;
}

/** Every link target in a Markdown text: inline links and images, and reference definitions. */
function linkTargets(text: string): Array<{ line: number; target: string }> {
  const visible = prose(text);
  const lineAt = (offset: number) => visible.slice(0, offset).split('\n').length;
  const found: Array<{ line: number; target: string }> = [];
  for (const m of visible.matchAll(/!?\[[^\]]*\]\(\s*(<[^>]*>|[^)\s]*)(?:\s+"[^"]*")?\s*\)/g))
    found.push({ line: lineAt(m.index), target: m[1]!.replace(/^<|>$/g, '') });
  for (const m of visible.matchAll(/^ {0,3}\[[^\]]+\]:[ \t]*(\S+)/gm))
    found.push({ line: lineAt(m.index), target: m[1]! });
  return found;
}

/** What is wrong with the links of `files` (paths relative to `root`); empty when all resolve. */
export function brokenLinks(root: string, files: string[]): string[] {
  const problems: string[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchors = (file: string) => {
    if (!anchorCache.has(file)) anchorCache.set(file, anchorsOf(readFileSync(file, 'utf8')));
    return anchorCache.get(file)!;
  };
  for (const file of files) {
    const path = join(root, file);
    for (const { line, target } of linkTargets(readFileSync(path, 'utf8'))) {
      const where = `${file}:${line}: ${target}`;
      if (/^(https?|mailto):/i.test(target)) continue;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
        problems.push(`${where}: a link with a scheme other than http(s) or mailto leaves the repository`);
        continue;
      }
      const [rawPath = '', anchor] = target.split('#', 2);
      const linkPath = decodeURIComponent(rawPath);
      if (isAbsolute(linkPath) || linkPath.startsWith('~')) {
        problems.push(`${where}: an absolute path; link relative to ${file} instead`);
        continue;
      }
      const resolved = linkPath === '' ? path : resolve(dirname(path), linkPath);
      const inside = relative(root, resolved);
      if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
        problems.push(`${where}: leaves the repository root`);
        continue;
      }
      if (!existsSync(resolved)) {
        problems.push(`${where}: no such file or folder in the repository`);
        continue;
      }
      if (
        anchor !== undefined &&
        resolved.endsWith('.md') &&
        statSync(resolved).isFile() &&
        !anchors(resolved).has(anchor)
      ) {
        problems.push(`${where}: ${relative(root, resolved)} has no heading with the anchor #${anchor}`);
      }
    }
  }
  return problems;
}

function trackedMarkdown(root: string): string[] {
  return execFileSync('git', ['ls-files', '*.md'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f !== '' && !f.split('/').includes('node_modules'));
}

describe('documentation links', () => {
  it('resolve, inside the repository, in every tracked Markdown file', () => {
    const files = trackedMarkdown(repoRoot);
    assert.ok(
      files.includes('README.md') && files.some((f) => f.startsWith('docs/')),
      'README.md and docs/ are tracked',
    );
    assert.deepEqual(brokenLinks(repoRoot, files), []);
  });

  it('name no document beside the repository (the sibling shared/ folder)', () => {
    const sibling = ['..', 'shared', ''].join('/');
    const mentions = trackedMarkdown(repoRoot).filter((f) => readFileSync(join(repoRoot, f), 'utf8').includes(sibling));
    assert.deepEqual(mentions, []);
  });

  it('are caught when broken: a missing file, a missing heading, a path out of the root, an absolute path', () => {
    const root = mkdtempSync(join(tmpdir(), 'baton-doc-links-'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(
      join(root, 'docs', 'page.md'),
      '# A page\n\n## Earned trust: per gate type\n\n## Earned trust: per gate type\n',
    );
    writeFileSync(
      join(root, 'README.md'),
      [
        '# Readme',
        '[ok](docs/page.md) [ok anchor](docs/page.md#earned-trust-per-gate-type) [repeat](docs/page.md#earned-trust-per-gate-type-1)',
        '[local](#readme) [web](https://example.com/x.md) `[in code](missing.md)` and `code that',
        'wraps [a line](missing.md)` [wrapped',
        'text](docs/gone.md#x)',
        '```md',
        '[in a fence](missing.md)',
        '```',
        '[gone](docs/gone.md) [no heading](docs/page.md#earned-trust) [up](../outside/DESIGN.md)',
        '[absolute](/etc/passwd) [file](file:///etc/passwd)',
        '[ref]: docs/also-gone.md',
      ].join('\n'),
    );
    const problems = brokenLinks(root, ['README.md', 'docs/page.md']);
    assert.deepEqual(
      problems.map((p) => p.replace(/: [^:]*$/, '')),
      [
        'README.md:4: docs/gone.md#x',
        'README.md:9: docs/gone.md',
        'README.md:9: docs/page.md#earned-trust',
        'README.md:9: ../outside/DESIGN.md',
        'README.md:10: /etc/passwd',
        'README.md:10: file:///etc/passwd',
        'README.md:11: docs/also-gone.md',
      ],
    );
  });

  it('GitHub slugs: punctuation and code marks dropped, spaces to hyphens', () => {
    assert.equal(
      slug('Ports, and what a client without credentials can do'),
      'ports-and-what-a-client-without-credentials-can-do',
    );
    assert.equal(slug('The `baton` CLI'), 'the-baton-cli');
    assert.equal(slug('Why `baton-temporal`, and what it is'), 'why-baton-temporal-and-what-it-is');
    assert.equal(slug('Agent contracts: versions'), 'agent-contracts-versions');
  });
});

describe('README.md', () => {
  it('is a front door of at most 250 lines', () => {
    const lines = readFileSync(join(repoRoot, 'README.md'), 'utf8').trimEnd().split('\n').length;
    assert.ok(lines <= 250, `README.md has ${lines} lines; move detail into docs/ and link to it`);
  });
});
