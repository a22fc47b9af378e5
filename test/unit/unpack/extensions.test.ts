import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { entryExtension, extensionProblem } from '../../../server/src/core/unpack/extensions';
import { safeDefaults } from '../../../server/src/core/unpack/layout';

describe('which extensions an unpack writes (the one decision of the unpack and MAN003)', () => {
  it('takes every ordinary extension a build can carry, and none', () => {
    for (const ext of ['', '.png', '.jpg', '.odg', '.xlsm', '.docm', '.DOCX', '.vue', '.ts', '.js', '.svelte', '.7z', '.gitattributes', `.${'a'.repeat(16)}`]) {
      assert.equal(extensionProblem(ext), undefined, ext);
    }
  });

  it('refuses the extensions a desktop runs when the file is opened, in any letter case', () => {
    for (const ext of ['.exe', '.EXE', '.bat', '.cmd', '.scr', '.lnk', '.url', '.hta', '.vbs', '.ps1', '.msi', '.jar', '.sh', '.command', '.desktop', '.iso']) {
      assert.deepEqual(extensionProblem(ext), { why: 'runs', ext }, ext);
    }
  });

  it('refuses an extension that is not 1 to 16 ASCII letters and digits, naming it printably', () => {
    assert.deepEqual(extensionProblem('.a b'), { why: 'unusual', ext: '.a b' });
    assert.deepEqual(extensionProblem('.x-y'), { why: 'unusual', ext: '.x-y' });
    assert.deepEqual(extensionProblem('.'), { why: 'unusual', ext: '.' });
    assert.deepEqual(extensionProblem(`.${'a'.repeat(17)}`), { why: 'unusual', ext: `.${'a'.repeat(17)}` });
    // A right-to-left override would show `x.ts\u202egpj` as `x.tsjpg`.
    assert.deepEqual(extensionProblem('.ts\u202egpj'), { why: 'unusual', ext: '.ts\\u202egpj' });
    assert.deepEqual(extensionProblem('.p\u0430ng'), { why: 'unusual', ext: '.p\\u0430ng' });
  });

  it('the unpack gives a file its own extension exactly when the decision takes it', () => {
    for (const ext of ['', '.png', '.vue', '.exe', '.sh', '.a b', '.x-y']) {
      const taken = extensionProblem(ext) === undefined;
      assert.deepEqual(safeDefaults([`templates/t${ext}`]).defaults, [taken ? `templates/t${ext}` : 'templates/t'], `template ${ext}`);
      assert.deepEqual(safeDefaults([`scripts/s${ext}`]).defaults, [taken ? `scripts/s${ext}` : 'scripts/s.ts'], `script ${ext}`);
      assert.equal(safeDefaults([`scripts/s${ext}`]).why === undefined, taken, `script ${ext}`);
    }
    assert.match(safeDefaults(['templates/t.exe']).why ?? '', /`\.exe`, which a desktop runs as a program when the file is opened/);
  });

  it('reads a file\'s extension from its entry after the entity\'s id, so a file without one keeps none', () => {
    assert.equal(entryExtension('templates/files/ws.t.png', 'templates/files', 'ws.t'), '.png');
    assert.equal(entryExtension('templates/files/ws.t', 'templates/files', 'ws.t'), '');
    assert.equal(entryExtension('scripts/ws.p.s.vue', 'scripts', 'ws.p.s'), '.vue');
    assert.equal(entryExtension('scripts/ws.p.s', 'scripts', 'ws.p.s'), '');
    // Named otherwise (an environment numbers clashing entries): the last extension.
    assert.equal(entryExtension('templates/files/ws.t_2.png', 'templates/files', 'ws.t'), '.png');
    assert.equal(entryExtension('scripts/other.x.sh', 'scripts', 'ws.p.s'), '.sh');
    // Named after an id the entity had before (a copy made by an earlier version, a script whose
    // code a change renamed) or numbered: the last dot of a file without an extension is the id's.
    assert.equal(entryExtension('templates/files/ws.letter', 'templates/files', 'ws_copy.letter'), '');
    assert.equal(entryExtension('templates/files/ws.letter.docx', 'templates/files', 'ws_copy.letter'), '.docx');
    assert.equal(entryExtension('scripts/ws.p.s', 'scripts', 'ws.p.run'), '');
    assert.equal(entryExtension('scripts/ws.p.s.ts', 'scripts', 'ws.p.run'), '.ts');
    assert.equal(entryExtension('templates/files/ws.t_2', 'templates/files', 'ws.t'), '');
    assert.equal(entryExtension('templates/files/ws_2.t', 'templates/files', 'ws.t'), '');
  });
});
