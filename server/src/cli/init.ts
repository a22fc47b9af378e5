import { constants as fsConstants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { codeFromFolderName, codeProblem, fileOutside, InitFile, initPlan, languagesProblem } from '../core/init/init';
import { MANIFEST_KINDS, ManifestKind } from '../core/manifest/types';
import { english, Translator } from '../core/l10n';
import { translatorOf } from './lang';
import { shown } from './projectArgs';
import { shellQuote } from './shellQuote';
import { ExitCode, Io, UsageError } from './usage';

const SYNOPSIS = 'isola init [DIR] [--kind workspace|module|app|solution|configuration] [--code CODE] [--title T] [--languages en,ru]';

/**
 * `isola init [DIR] ...`: a new project in DIR (made when missing): isola.config.json, a first
 * manifest, .gitignore entries and a CI workflow. Refused (exit 1, nothing written) when any of
 * the files it would create exists; an existing .gitignore only gets the lines it lacks.
 */
export async function runInit(args: string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { kind: { type: 'string', default: 'workspace' }, code: { type: 'string' }, title: { type: 'string' }, languages: { type: 'string' } },
  });
  // Its own words in the user's language; the files it writes are the same in every language.
  const t = translatorOf(io);
  if (positionals.length > 1) throw new UsageError(t.t('cli.usage', { synopsis: SYNOPSIS }));
  const kind = values.kind as ManifestKind;
  if (!MANIFEST_KINDS.includes(kind)) throw new UsageError(t.t('cli.unknownKind', { kind: String(values.kind), kinds: MANIFEST_KINDS.join(', ') }));
  const dir = path.resolve(io.cwd, positionals[0] ?? '.');
  const code = values.code ?? codeFromFolderName(path.basename(dir));
  const codeWrong = codeProblem(kind, code);
  if (codeWrong) throw new UsageError(values.code === undefined ? t.t('cli.init.codeFromFolder', { problem: codeWrong }) : codeWrong);
  const languages = values.languages?.split(',').map((l) => l.trim()).filter(Boolean);
  const languagesWrong = languages && languagesProblem(languages);
  if (languagesWrong) throw new UsageError(`--languages: ${languagesWrong}`);

  await assertFolderOrAbsent(dir, t);
  const gitignore = await readGitignore(path.join(dir, '.gitignore'), t);
  const plan = initPlan({ kind, code, title: values.title, languages, toolVersion: toolVersion() }, gitignore);
  const where = dir === io.cwd ? '.' : shown(io.cwd, dir);
  const taken = [];
  for (const f of plan.files) if (f.mode === 'create' && (await exists(path.join(dir, f.path)))) taken.push(f.path);
  if (taken.length) {
    io.err(`isola init: ${t.t('cli.init.refused', { n: taken.length, files: taken.join(', '), where })}\n`);
    return 1;
  }
  const outside = fileOutside(dir, plan);
  if (outside) {
    io.err(`isola init: ${t.t('cli.init.outside', { file: outside.path, target: outside.target })}\n`);
    return 1;
  }
  await writeAll(dir, plan.files, t);
  io.out(`${t.t('cli.init.created', { kind: t.noun(kind), code, where })}\n`);
  const mode = { create: t.t('cli.init.fileCreated'), append: t.t('cli.init.fileAppended') };
  // The paths line up after the longer word (8 characters in English).
  const width = Math.max(mode.create.length, mode.append.length);
  for (const f of plan.files) io.out(`  ${mode[f.mode].padEnd(width)}  ${f.path}\n`);
  // Pasted into a shell as it is: quoted when the name holds a space, a quote or a line break,
  // and never read as an option of cd.
  const cd = where === '.' ? '' : `cd ${shellQuote(where.startsWith('-') ? `./${where}` : where)} && `;
  io.out(`${t.t('cli.init.next', { commands: `${cd}${plan.next.join(' && ')}` })}\n`);
  return 0;
}

async function assertFolderOrAbsent(dir: string, t: Translator): Promise<void> {
  const stat = await fs.stat(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new UsageError(t.t('cli.cannotRead', { file: dir, reason: e.code ?? e.message }));
  });
  if (stat && !stat.isDirectory()) throw new UsageError(t.t('cli.notFolder', { dir }));
}

async function readGitignore(file: string, t: Translator): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new UsageError(t.t('cli.cannotRead', { file, reason: code ?? (e as Error).message }));
  }
}

async function exists(file: string): Promise<boolean> {
  // lstat: a broken symbolic link is a file too, and writing through it would land elsewhere.
  return fs.lstat(file).then(() => true, () => false);
}

/**
 * Writes the files; `wx` so that a file made meanwhile is never overwritten. On a failure the
 * files created so far are removed again.
 */
async function writeAll(dir: string, files: InitFile[], t: Translator = english): Promise<void> {
  const created: string[] = [];
  try {
    // Appends last: a refused create then leaves .gitignore as it was.
    for (const f of [...files.filter((x) => x.mode === 'create'), ...files.filter((x) => x.mode === 'append')]) {
      const file = path.join(dir, ...f.path.split('/'));
      await fs.mkdir(path.dirname(file), { recursive: true });
      // Never through a link made since the check: O_NOFOLLOW refuses one at the file itself.
      if (f.mode === 'append') await fs.appendFile(file, f.text, { flag: fsConstants.O_APPEND | fsConstants.O_WRONLY | fsConstants.O_NOFOLLOW });
      else {
        await fs.writeFile(file, f.text, { flag: 'wx' });
        created.push(file);
      }
    }
  } catch (e) {
    await Promise.all(created.map((f) => fs.rm(f, { force: true })));
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(t.t('cli.init.appeared', { file: String((e as NodeJS.ErrnoException).path) }));
    throw e;
  }
}

function toolVersion(): string {
  return (require('../../../package.json') as { version: string }).version;
}
