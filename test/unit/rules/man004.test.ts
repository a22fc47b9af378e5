import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkProject } from '../../../server/src/core/check';
import { english, translator } from '../../../server/src/core/l10n';
import { project } from '../helpers';

/** One directive of each kind MAN004 reports: unused, not a code, aimed at an error, naming nothing. */
const SALES = `{
  "kind": "workspace", "code": "sales", "title": "sales", "version": "1.0.0",
  "apps": [{ "code": "orders", "fields": [
    // isola-disable-next-line ISO004 -- reviewed
    { "code": "a", "type": "app", "app": "_projects._tasks" },
    // isola-disable-next-line ISO04 -- typo
    { "code": "b", "type": "app", "app": "_clients._deals" },
    // isola-disable-next-line ISO006 -- not allowed
    { "code": "c", "type": "app", "app": "nowhere.x" },
    // isola-disable-next-line
    { "code": "d", "type": "app", "app": "_clients._deals" }
  ] }]
}`;

async function man004(locale: 'en' | 'ru') {
  const p = await project({ 'sales/sales.isola.json': SALES });
  return checkProject(p, undefined, locale === 'en' ? english : translator('ru')).diagnostics.filter((d) => d.code === 'MAN004');
}

describe('MAN004 in the check\'s language', () => {
  it('English: the messages as before', async () => {
    assert.deepEqual((await man004('en')).map((d) => d.message), [
      'Unused suppression: no ISO004 finding on the next line',
      '`ISO04` is not an Isola rule code',
      'ISO006 is an error that blocks export; it cannot be suppressed',
      '`isola-disable-next-line` names no rule code: write e.g. `// isola-disable-next-line ISO005 -- why`',
    ]);
  });

  it('Russian: the same findings at the same places, in Russian; the unused one is marked for its quick fix', async () => {
    const [en, ru] = [await man004('en'), await man004('ru')];
    assert.deepEqual(ru.map((d) => d.message), [
      'Неиспользуемое подавление: в следующей строке нет срабатывания ISO004',
      '`ISO04` — не код правила Isola',
      'ISO006 — ошибка, которая блокирует экспорт; подавить её нельзя',
      '`isola-disable-next-line` не называет ни одного кода правила: укажите код и причину, например `// isola-disable-next-line ISO005 -- why`',
    ]);
    assert.deepEqual(ru.map((d) => [d.range, d.severity, d.data]), en.map((d) => [d.range, d.severity, d.data]));
    assert.deepEqual(ru.map((d) => d.data?.unused === true), [true, false, false, false]);
  });
});
