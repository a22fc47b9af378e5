import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expectDiagnostic, run, solution, workspace, appManifest } from './fixtures';

// A package carries one list of languages: members that declare others, or the same in another
// order, cannot travel together.

describe('MAN005 members of one package declare different languages', () => {
  it('fires on a workspace whose languages are the solution\'s in another order', async () => {
    const c = await run({
      'sol.isola.json': solution('sol', ['a/a.isola.json', 'b/b.isola.json'], { languages: ['en', 'ru'] }),
      'a/a.isola.json': workspace('a', { languages: ['en', 'ru'] }),
      'b/b.isola.json': workspace('b', { languages: ['ru', 'en'] }),
    });
    expectDiagnostic(c, c.one('MAN005'), {
      code: 'MAN005', severity: 'error', file: 'b/b.isola.json', package: 'sol',
      message: ['Languages ["ru","en"] differ from ["en","ru"] of solution `sol`', 'the same languages in another order', '`isola build` refuses'],
    });
  });

  it('without languages on the solution, the first member that declares them sets them', async () => {
    const c = await run({
      'sol.isola.json': solution('sol', ['a/a.isola.json', 'b/b.isola.json']),
      'a/a.isola.json': workspace('a', { languages: ['en'] }),
      'b/b.isola.json': workspace('b', { languages: ['en', 'de'] }),
    });
    const d = c.one('MAN005');
    assert.equal(d.file, 'b/b.isola.json');
    assert.match(d.message, /of workspace `a`, which sets the languages of solution `sol` \(other languages\)/);
  });

  it('fires on an app manifest of a workspace that declares other languages', async () => {
    const c = await run({
      'crm/crm.isola.json': workspace('crm', { languages: ['en', 'ru'] }),
      'crm/deal.isola.json': appManifest('deal', 'crm', { languages: ['en'] }),
    });
    assert.equal(c.one('MAN005').file, 'crm/deal.isola.json');
  });

  it('does not fire when members agree or declare none, nor for a package of one manifest', async () => {
    const c = await run({
      'sol.isola.json': solution('sol', ['a/a.isola.json', 'b/b.isola.json', 'c/c.isola.json'], { languages: ['en', 'ru'] }),
      'a/a.isola.json': workspace('a', { languages: ['en', 'ru'] }),
      'b/b.isola.json': workspace('b'),
      'c/c.isola.json': workspace('c', { languages: ['en', 'ru'] }),
      'lone/lone.isola.json': workspace('lone', { languages: ['de'] }),
    });
    c.none('MAN005');
  });
});
