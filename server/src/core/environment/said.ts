import { english, MessageKey, Translator } from '../l10n';
import type { RestorePreview } from './backups';
import type { ImportCheck, ImportPlan, Job, PlanEntity } from './types';

/**
 * A sentence of a plan or a restore preview as a catalog entry: the key and its arguments, which
 * may be sentences themselves. The engine says everything in English (`reason`, `message`) and
 * keeps the entry beside it (`said`), so that each front end says it in its user's language: the
 * service in the request's `Accept-Language`, the command line in its `--lang`.
 */
export interface Said {
  key: MessageKey;
  args?: SaidArgs;
}

/** A sentence's arguments: values, or sentences of their own (a clause said in the same language). */
export type SaidArgs = Record<string, string | number | Said>;

/** The sentence in a language. */
export function say(s: Said, t: Translator = english): string {
  if (!s.args) return t.t(s.key);
  const args: Record<string, string | number> = {};
  for (const k of Object.keys(s.args)) {
    const v = s.args[k];
    args[k] = typeof v === 'object' ? say(v, t) : v;
  }
  return t.t(s.key, args);
}

/** A sentence, as the English text and the entry it came from. */
export function said(key: MessageKey, args?: SaidArgs): { text: string; said: Said } {
  const s: Said = args ? { key, args } : { key };
  return { text: say(s), said: s };
}

/** A check whose message is a catalog sentence. */
export function checkSaying(name: ImportCheck['name'], ok: boolean, key: MessageKey, args?: SaidArgs, details?: string[]): ImportCheck {
  const s = said(key, args);
  return { name, ok, message: s.text, said: s.said, ...(details ? { details } : {}) };
}

/** Sets a plan row's reason (English) and the sentence it came from. */
export function setReason(e: Pick<PlanEntity, 'reason' | 'said'>, key: MessageKey, args?: SaidArgs): void {
  const s = said(key, args);
  e.reason = s.text;
  e.said = s.said;
}

/**
 * The plan with its checks' messages and its rows' reasons in `t`'s language. Only what carries
 * its sentence changes (a plan stored before sentences were kept stays English); the plan itself
 * is not touched, since the service keeps it for the import that confirms it.
 */
export function planIn<P extends ImportPlan | undefined>(plan: P, t: Translator): P {
  if (!plan || t.locale === english.locale) return plan;
  return {
    ...plan,
    checks: plan.checks.map((c) => (c.said ? { ...c, message: say(c.said, t) } : c)),
    entities: plan.entities.map((e) => (e.said ? { ...e, reason: say(e.said, t) } : e)),
  };
}

/** A job with its plan in `t`'s language. */
export function jobIn(job: Job, t: Translator): Job {
  return job.plan && t.locale !== english.locale ? { ...job, plan: planIn(job.plan, t) } : job;
}

/** A restore preview with its reasons in `t`'s language. */
export function previewIn(p: RestorePreview, t: Translator): RestorePreview {
  if (t.locale === english.locale) return p;
  return {
    ...p,
    entities: p.entities.map((e) => (e.said ? { ...e, reason: say(e.said, t) } : e)),
    records: p.records.map((r) => (r.said ? { ...r, reason: say(r.said, t) } : r)),
  };
}
