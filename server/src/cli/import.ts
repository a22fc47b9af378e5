import { closeSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { english, Translator } from '../core/l10n';
import { translatorOf } from './lang';
import { oneLine } from '../core/oneLine';
import { EnvError } from '../core/environment/errors';
import { openRegularFile, PackageError } from '../core/packaging/reader';
import { conflictSummary } from '../core/environment/planChecks';
import { planIn } from '../core/environment/said';
import type { ImportPlan, Job, PlanAction } from '../core/environment/types';
import { describeData, type ImportChoice } from '../core/environment/importChoice';
import { EnvClient, followJob } from '../env/client';
import { isProduction, withEnvironment } from './envArgs';
import { Interrupt } from './interrupt';
import { ExitCode, Io, UsageError } from './usage';

const SYNOPSIS = 'isola import FILE [--env NAME] [--dry-run] [--on-conflict cancel|replace] [--as CODE] [--design all|none] [--data none|all|APP,...] [--format text|json] [--confirm NAME]';

/**
 * `isola import FILE`: uploads the package, prints the environment's plan, and (unless
 * `--dry-run`, failed checks, or conflicts without `--on-conflict replace`) runs the import,
 * following its job to the end. Exit 0 imported (or a clean dry run), 1 refused or failed.
 */
export async function runImport(args: string[], io: Io): Promise<ExitCode> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      env: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, 'on-conflict': { type: 'string', default: 'cancel' }, as: { type: 'string' },
      design: { type: 'string', default: 'all' }, data: { type: 'string', default: 'all' }, format: { type: 'string', default: 'text' }, confirm: { type: 'string' },
    },
  });
  const t = translatorOf(io);
  if (positionals.length !== 1) throw new UsageError(t.t('cli.usage', { synopsis: SYNOPSIS }));
  const choice = importChoiceOf(values.design!, values.data!, t);
  const onConflict = values['on-conflict'];
  if (onConflict !== 'cancel' && onConflict !== 'replace') throw new UsageError(t.t('cli.import.onConflict', { value: String(onConflict) }));
  const conflicts: 'cancel' | 'replace' = onConflict;
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(t.t('cli.unknownFormat.textJson', { format: String(values.format) }));
  const json = values.format === 'json';
  const file = path.resolve(io.cwd, positionals[0]);
  // The environment the import goes to decides, `local` when --env is left out: comparing the
  // options alone let a production `local` through with neither given.
  const envName = values.env ?? 'local';
  if (!values['dry-run'] && isProduction(envName, io) && values.confirm !== envName) {
    throw new UsageError(t.t('cli.import.production', { env: envName }));
  }
  // Before the environment opens (which takes seconds): a missing file, a folder or a named pipe is bad input at once.
  await checkPackageFile(file, positionals[0]);
  // Ctrl+C or a kill cancels the import's job and waits for it to end, so what it left can be
  // said (an embedded environment's job runs in this process: dying would leave that unknown).
  const interrupt = new Interrupt();
  try {
    return await withEnvironment('import', values.env, io, (client) => importInto(client, interrupt));
  } finally {
    interrupt.off();
  }

  async function importInto(client: EnvClient, interrupt: Interrupt): Promise<ExitCode> {
    const stored = await client.uploadPackage(file).catch((e) => {
      if (e instanceof EnvError && (e.status === 422 || e.status === 413)) throw new UsageError(`${positionals[0]}: ${e.message}`);
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(t.t('cli.noSuchFile', { file: positionals[0] }));
      throw e;
    });
    // A 400 here is the command line's fault (an `--as` code, a `--data` app the package lacks): bad usage.
    // Ctrl+C stops the planning at once (it reads every record of the package): nothing was imported.
    const plan = await client.plan(stored.id, values.as, choice, interrupt.signal).catch((e) => {
      if (interrupt.caught) return undefined;
      throw e instanceof EnvError && e.status === 400 ? new UsageError(`${client.name}: ${e.message}`) : e;
    });
    if (!plan) {
      io.err(`isola import: ${oneLine(t.t('cli.import.interruptedBefore', { env: client.name }), Infinity)}\n`);
      return interrupt.exitCode();
    }
    // The choice as the environment understood it (apps resolved), else as asked.
    const out: { environment: string; choice: ImportChoice; plan: ImportPlan; result?: unknown; refused?: string } = {
      environment: client.name, choice: plan.choice ? { design: plan.choice.design, data: plan.choice.data } : choice, plan,
    };
    if (!json) io.out(formatPlan(client.name, plan, t));
    const refuse = (why: string): ExitCode => {
      out.refused = why;
      if (json) io.out(JSON.stringify(out, null, 2) + '\n');
      else io.err(`isola import: ${oneLine(why, Infinity)}\n`);
      return 1;
    };
    if (!plan.ok) return refuse(t.t('cli.import.refusedByChecks', { checks: planIn(plan, t).checks.filter((c) => !c.ok).map((c) => c.message).join('; ') }));
    if (plan.counts.conflict && conflicts !== 'replace') {
      return refuse(t.t('cli.import.conflicts', { n: plan.counts.conflict, summary: conflictSummary(plan, t), ids: plan.entities.filter((e) => e.action === 'conflict').map((e) => e.id).join(', ') }));
    }
    if (interrupt.caught) {
      io.err(`isola import: ${oneLine(t.t('cli.import.interruptedBefore', { env: client.name }), Infinity)}\n`);
      return interrupt.exitCode();
    }
    if (values['dry-run']) {
      if (json) io.out(JSON.stringify(out, null, 2) + '\n');
      else io.out(`${t.t('cli.import.dryRun')}\n`);
      return 0;
    }
    const job = await client.startImport(plan.id, conflicts);
    if (!json) io.out(`${oneLine(t.t('cli.import.job', { id: job.id }), Infinity)}\n`);
    // A job that has already ended cannot be cancelled: what it did is said below all the same.
    interrupt.onSignal(() => client.cancelJob(job.id).catch(() => undefined));
    const done = await follow(client, job.id, json ? undefined : io);
    out.result = resultOf(done);
    if (json) io.out(JSON.stringify(out, null, 2) + '\n');
    else io.out(done.status === 'succeeded' ? `${t.t('cli.import.done', { env: client.name })}\n` : '');
    if (interrupt.caught) {
      const key = done.status === 'succeeded' ? 'cli.import.interruptedCommitted' : 'cli.import.interruptedRolledBack';
      io.err(`isola import: ${oneLine(t.t(key, { id: done.id, env: client.name, status: done.status }), Infinity)}\n`);
      return interrupt.exitCode();
    }
    if (done.status !== 'succeeded') {
      if (!json) io.err(`isola import: ${oneLine(t.t('cli.import.jobEnded', { id: done.id, status: done.status, error: done.error ?? '' }), Infinity)}\n`);
      return 1;
    }
    return 0;
  }
}

/** Follows a job, printing its log lines as they arrive, each one line (the environment's text names a package's codes and titles). */
export async function follow(client: EnvClient, id: string, io: Io | undefined): Promise<Job> {
  return followJob(client, id, (_job, lines) => {
    for (const l of lines) io?.out(`  ${oneLine(`${l.level === 'info' ? '' : `${l.level}: `}${l.line}`, Infinity)}\n`);
  });
}

function resultOf(job: Job): Record<string, unknown> {
  return { job: job.id, status: job.status, ...(job.error ? { error: job.error } : {}), ...(job.result ?? {}) };
}

const ORDER: PlanAction[] = ['create', 'update', 'conflict', 'unchanged', 'kept'];

/**
 * The plan as people read it: checks, counts, then one line per entity that is not unchanged or
 * that is unchanged only because it keeps what the package lacks.
 * The checks' messages and the reasons are said in `t`'s language from the sentences the plan
 * keeps (a plan from an environment that keeps none stays in English).
 */
export function formatPlan(env: string, plan: ImportPlan, t: Translator = english): string {
  const p = planIn(plan, t);
  const as = p.package.importedAs ? t.t('cli.import.as', { code: p.package.importedAs }) : '';
  const lines = [t.t('cli.import.plan', { kind: t.noun(p.package.kind), code: p.package.code, as, env, namespaces: p.namespaces.join(', ') })];
  for (const c of p.checks) {
    lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.message}`);
    for (const d of c.details ?? []) lines.push(`         ${d}`);
  }
  lines.push(`  ${ORDER.map((a) => `${p.counts[a]} ${a}`).join(', ')}`);
  for (const a of ORDER) {
    // An unchanged entity is shown only when it stays so by keeping what the package lacks.
    for (const e of p.entities.filter((x) => x.action === a && (a !== 'unchanged' || x.kept?.length))) {
      lines.push(`  ${a.padEnd(9)} ${e.type.padEnd(12)} ${e.id}${e.deleted ? t.t('cli.import.deleted') : ''}${a === 'conflict' || a === 'kept' ? `  (${e.reason})` : ''}`);
      if (e.kept?.length) lines.push(`            ${t.t('cli.import.keeps', { list: e.kept.join(', ') })}`);
      // Each moved page with where it goes; from a service that sends only `moved`, its paths.
      if (e.moves?.length) for (const m of e.moves) lines.push(`            ${m.to === undefined ? t.t('cli.import.movesToTop', { page: m.page, path: m.path }) : t.t('cli.import.movesInto', { page: m.page, path: m.path, to: m.to })}`);
      else if (e.moved?.length) lines.push(`            ${t.t('cli.import.moves', { list: e.moved.join(', ') })}`);
    }
  }
  for (const d of p.data) lines.push(`  ${t.t('cli.import.dataLine', { app: d.app, n: d.records, existing: d.existing })}`);
  const c = p.choice;
  if (c && (c.leftOut.entities || c.leftOut.apps.length)) {
    lines.push(`  ${t.t('cli.import.chosen', { design: c.design, data: describeData(c.data) })}`);
    if (c.leftOut.entities) lines.push(`  ${t.t('cli.import.leftOutEntities', { n: c.leftOut.entities })}`);
    for (const a of c.leftOut.apps) lines.push(`  ${t.t('cli.import.leftOutData', { app: a.app, n: a.records })}`);
  }
  // The plan comes from the environment and quotes the package (ids, reasons, check details): one line each, no escape sequence.
  return lines.map((l) => oneLine(l, Infinity)).join('\n') + '\n';
}

/** `--design all|none` and `--data none|all|APP,...` (apps as the package names them, or a bare app code). */
function importChoiceOf(design: string, data: string, t: Translator): ImportChoice {
  if (design !== 'all' && design !== 'none') throw new UsageError(t.t('cli.import.design', { value: design }));
  if (data === 'none' || data === 'all') return { design, data };
  const apps = data.split(',').map((s) => s.trim()).filter(Boolean);
  if (!apps.length) throw new UsageError(t.t('cli.import.data'));
  return { design, data: apps };
}

/** Refuses (exit 2) anything but a regular file, without reading it. */
async function checkPackageFile(file: string, shown: string): Promise<void> {
  try {
    closeSync(await openRegularFile(file));
  } catch (e) {
    if (e instanceof PackageError) throw new UsageError(`${shown}: ${e.message}`);
    throw e;
  }
}
