import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Catalog, catalogShapeError, CatalogData, defaultCatalog } from '../core/catalog/catalog';
import { checkPackage, checkProject, packageView } from '../core/check';
import { parseJson } from '../core/json/parse';
import { decodeUtf8 } from '../core/json/utf8';
import { nodeFileHost, readRegularFile } from '../core/manifest/host';
import { loadProject } from '../core/manifest/project';
import { formatJson } from '../core/report/json';
import { formatSarif } from '../core/report/sarif';
import pkg from '../../../package.json';
import { runExplain } from './explain';
import { journalNear } from '../core/unpack/journalName';
import { formatFindings, translatorOf } from './lang';
import { assertFolder, pickPackage } from './projectArgs';
import { ExitCode, Io, UsageError } from './usage';

const FORMATS = ['text', 'json', 'sarif'] as const;

/** `isola check [DIR] [--format text|json|sarif] [--builtins FILE] [--package CODE [--kind KIND]] [--explain CODE@FILE:LINE]` */
export async function runCheck(args: string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string', default: 'text' }, builtins: { type: 'string' }, package: { type: 'string' }, kind: { type: 'string' }, explain: { type: 'string' } },
  });
  const t = translatorOf(io);
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new UsageError(t.t('cli.unknownFormat', { format: String(values.format) }));
  // SARIF logs a whole check's results; one explained finding is text, or JSON for a script.
  if (values.explain && format === 'sarif') throw new UsageError(t.t('cli.explain.sarif'));
  if (positionals.length > 1) throw new UsageError(t.t('cli.checkOneFolder', { n: positionals.length, folders: positionals.join(' ') }));
  const dir = path.resolve(io.cwd, positionals[0] ?? '.');
  await assertFolder(dir, t);
  // Loaded only when there is an unpack to finish: most checks and builds have none.
  const unfinished = journalNear(dir) ? await (require('./finishUnpacks') as typeof import('./finishUnpacks')).finishUnpacks(dir, io, 'check') : undefined;
  if (unfinished !== undefined) return unfinished;
  const catalog = defaultCatalog();
  if (values.builtins) await addCatalogFile(catalog, path.resolve(io.cwd, values.builtins));

  // Manifests that could not be read cleanly come with their MAN002 (see `loadProject`).
  let project = await loadProject(dir, nodeFileHost, { catalog });
  if (project.unpackJournals) {
    const r = await (require('./finishUnpacks') as typeof import('./finishUnpacks')).finishUnpacksBelow(project, () => loadProject(dir, nodeFileHost, { catalog }), io, 'check');
    if (typeof r === 'number') return r;
    project = r;
  }
  // `--explain CODE@FILE:LINE`: the path of one finding, in the view the check would use.
  if (values.explain) return runExplain(values.explain, values.package ? packageView(project, pickPackage(project, values.package, values.kind, t)).view : project, io, format === 'json');
  // `--package`: that package alone, as its build would check it (a workspace of a solution too).
  // Messages in the chosen language; codes, keys and SARIF rule ids are the same in every language.
  const result = values.package ? checkPackage(project, pickPackage(project, values.package, values.kind, t), undefined, t) : checkProject(project, undefined, t);
  if (format === 'json') io.out(formatJson(result));
  else if (format === 'sarif') io.out(formatSarif(result, { name: 'isola', version: pkg.version, informationUri: 'https://github.com/isola-dev/isola' }));
  else io.out(formatFindings(result, t));
  return result.summary.errors > 0 ? 1 : 0;
}

async function addCatalogFile(catalog: Catalog, file: string): Promise<void> {
  // Only a regular file is opened: a FIFO given here would block the check for ever.
  const read = readRegularFile(file);
  if (!read) throw new UsageError(`cannot read built-in catalog ${file}: ENOENT`);
  if ('reason' in read) throw new UsageError(`cannot read built-in catalog ${file}: ${read.reason}`);
  const { text, error } = decodeUtf8(read.bytes);
  if (error) throw new UsageError(`built-in catalog ${file}: ${error.message}`);
  const { value, errors } = parseJson(text);
  if (errors.length) throw new UsageError(`built-in catalog ${file} is not valid JSON: ${errors[0].message} at offset ${errors[0].offset}`);
  const shape = catalogShapeError(value);
  if (shape) throw new UsageError(`built-in catalog ${file}: ${shape}`);
  catalog.add(value as CatalogData);
}
