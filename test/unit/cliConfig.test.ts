import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// What isola.config.json decides for the command line: which environment asks for a confirmation,
// and how a file that cannot be used is reported.

const REPO = path.resolve(__dirname, '../../..');
const CLI = path.join(REPO, 'dist/cli.js');

function isola(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env });
  return { code: r.status, out: String(r.stdout), err: String(r.stderr) };
}

const temporary: string[] = [];
after(() => {
  for (const d of temporary) rmSync(d, { recursive: true, force: true });
});

/** A folder holding `isola.config.json` with `text`. */
function configured(text: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-config-cli-'));
  temporary.push(dir);
  writeFileSync(path.join(dir, 'isola.config.json'), text);
  return dir;
}

describe('a production environment', () => {
  // The confirmation is asked before the package file is looked at: a missing file shows it passed.
  const refused = /^isola import: "(\w+)" is a production environment: repeat its name with --confirm \1 to import into it \(or use --dry-run\)\n$/;

  it('is confirmed by name also when it is local, the default of a plain `isola import`', () => {
    const dir = configured(JSON.stringify({ environments: { local: { production: true } } }));
    for (const args of [[], ['--env', 'local'], ['--confirm', 'staging'], ['--env', 'local', '--confirm', 'prod']]) {
      const r = isola(['import', 'missing.isolapkg', ...args], dir);
      assert.equal(r.code, 2, r.out + r.err);
      assert.match(r.err, refused, args.join(' '));
      assert.match(r.err, /"local"/);
    }
    for (const args of [['--confirm', 'local'], ['--env', 'local', '--confirm', 'local'], ['--dry-run']]) {
      const r = isola(['import', 'missing.isolapkg', ...args], dir);
      assert.equal(r.code, 2, r.out + r.err);
      assert.doesNotMatch(r.err, /production environment/, args.join(' '));
      assert.match(r.err, /missing\.isolapkg/);
    }
  });

  it('named by --env needs that name', () => {
    const dir = configured(JSON.stringify({ environments: { prod: { url: 'http://127.0.0.1:9', production: true } } }));
    const r = isola(['import', 'missing.isolapkg', '--env', 'prod', '--confirm', 'local'], dir);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.err, refused);
    assert.match(r.err, /"prod"/);
    // `local` is no production environment here: nothing to confirm.
    assert.doesNotMatch(isola(['import', 'missing.isolapkg'], dir).err, /production environment/);
  });
});
