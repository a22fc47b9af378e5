import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { safeDefaults } from '../../../server/src/core/unpack/layout';
import { appManifest, configuration, expectDiagnostic, run, solution, workspace } from './fixtures';

describe('MAN003 broken include or file', () => {
  it('fires for an include that does not exist, at the path', async () => {
    const c = await run({ 'sol/sol.isola.json': solution('sales_solution', ['../billing/billing.isola.json']) });
    expectDiagnostic(c, c.one('MAN003'), {
      code: 'MAN003', severity: 'error', file: 'sol/sol.isola.json', covers: '../billing/billing.isola.json', package: 'sales_solution',
      message: ['Include `../billing/billing.isola.json` does not exist', 'looked for billing/billing.isola.json'],
    });
  });

  it('does not fire for an include that exists', async () => {
    const c = await run({
      'sol/sol.isola.json': solution('sales_solution', ['../billing/billing.isola.json']),
      'billing/billing.isola.json': workspace('billing'),
    });
    c.none('MAN003');
  });

  it('fires for an include of a file that is not a manifest, even when it exists', async () => {
    const c = await run({
      'sol.isola.json': solution('sales_solution', ['README.md', 'billing/billing.json']),
      'README.md': '# readme',
      'billing/billing.json': JSON.stringify(workspace('billing')),
    });
    const ds = c.of('MAN003');
    assert.deepEqual(ds.map((d) => c.text(d)), ['README.md', 'billing/billing.json']);
    for (const d of ds) assert.ok(d.message.includes('is not a manifest'), d.message);
  });

  it('fires for a solution including an app manifest; a configuration may include one', async () => {
    const c = await run({
      'sol.isola.json': solution('sales_solution', ['crm/deal.isola.json']),
      'company.isola.json': configuration('company', ['crm/deal.isola.json']),
      'crm/deal.isola.json': appManifest('deal', 'crm'),
    });
    expectDiagnostic(c, c.one('MAN003'), {
      code: 'MAN003', severity: 'error', file: 'sol.isola.json', covers: 'crm/deal.isola.json',
      message: ['is an app', 'a solution includes only workspaces and modules'],
    });
  });

  it('fires for a solution including a configuration', async () => {
    const c = await run({
      'sol.isola.json': solution('sales_solution', ['company.isola.json']),
      'company.isola.json': configuration('company', []),
    });
    const d = c.one('MAN003');
    assert.equal(d.file, 'sol.isola.json');
    assert.ok(d.message.includes('is a configuration'), d.message);
  });

  it('fires once for an include cycle, and terminates', async () => {
    const c = await run({
      'a/a.isola.json': configuration('a', ['../b/b.isola.json']),
      'b/b.isola.json': configuration('b', ['../a/a.isola.json']),
    });
    expectDiagnostic(c, c.one('MAN003'), {
      code: 'MAN003', severity: 'error', file: 'b/b.isola.json', covers: '../a/a.isola.json',
      message: ['closes an include cycle back to a/a.isola.json', 'remove one of the includes'],
    });
  });

  it('fires for a configuration that includes itself', async () => {
    const c = await run({ 'company.isola.json': configuration('company', ['company.isola.json']) });
    const d = c.one('MAN003');
    assert.ok(d.message.includes('include cycle'), d.message);
  });

  it('fires for a missing script file, at the path, saying where it looked', async () => {
    const c = await run({
      'crm/crm.isola.json': workspace('crm', { processes: [{ code: 'approve', scripts: [{ code: 'notify', file: 'scripts/notify.ts' }] }] }),
    });
    expectDiagnostic(c, c.one('MAN003'), {
      code: 'MAN003', severity: 'error', file: 'crm/crm.isola.json', covers: 'scripts/notify.ts', package: 'crm',
      message: ['Script file `scripts/notify.ts` does not exist', 'looked for crm/scripts/notify.ts'],
    });
  });

  it('does not fire for a script file that exists next to the manifest', async () => {
    const c = await run({
      'crm/crm.isola.json': workspace('crm', { processes: [{ code: 'approve', scripts: [{ code: 'notify', file: 'scripts/notify.ts' }] }] }),
      'crm/scripts/notify.ts': 'export async function run() {}\n',
    });
    assert.equal(c.result.diagnostics.length, 0, JSON.stringify(c.result.diagnostics));
  });

  it('fires for missing template and data files', async () => {
    const c = await run({
      'crm/crm.isola.json': workspace('crm', {
        apps: [{ code: 'deal' }],
        templates: [{ code: 'offer', file: 'templates/offer.docx' }],
        data: { deal: 'data/deal.jsonl' },
      }),
    });
    const ds = c.of('MAN003');
    assert.deepEqual(ds.map((d) => c.text(d)).sort(), ['data/deal.jsonl', 'templates/offer.docx']);
  });

  it('fires once for a data file with a record without an id, at the path, naming the line and why', async () => {
    const c = await run({
      'crm/crm.isola.json': workspace('crm', { apps: [{ code: 'deal' }], data: { deal: 'data/deal.jsonl' } }),
      'crm/data/deal.jsonl': '{"id":"1"}\n\n{"title":"no id"}\n{"also":"no id"}\n',
    });
    expectDiagnostic(c, c.one('MAN003'), {
      code: 'MAN003', severity: 'error', file: 'crm/crm.isola.json', covers: 'data/deal.jsonl', package: 'crm',
      message: ['Data file `data/deal.jsonl` line 3: a data record must be a JSON object with an "id"', '`isola build` refuses'],
    });
  });

  it('fires for a data line that is not JSON, and not for good records and blank lines', async () => {
    const bad = await run({
      'crm/crm.isola.json': workspace('crm', { apps: [{ code: 'deal' }], data: { deal: 'data/deal.jsonl' } }),
      'crm/data/deal.jsonl': '{"id":"1"}\n{"id": 2,\n',
    });
    assert.match(bad.one('MAN003').message, /line 2: not JSON/);
    const good = await run({
      'crm/crm.isola.json': workspace('crm', { apps: [{ code: 'deal' }], data: { deal: 'data/deal.jsonl' } }),
      'crm/data/deal.jsonl': '{"id":"1"}\r\n\r\n{"id":2,"title":"x"}\r\n',
    });
    good.none('MAN003');
  });

  it('fires for data keyed by an app the namespace does not declare, at the key; an app of the namespace in another manifest is declared', async () => {
    const c = await run({
      'crm/crm.isola.json': workspace('crm', { apps: [{ code: 'deal' }], data: { deal: 'data/deal.jsonl', deals: 'data/deals.jsonl' } }),
      'crm/data/deal.jsonl': '{"id":"1"}\n',
      'crm/data/deals.jsonl': '{"id":"1"}\n',
      'crm/apps/lead.isola.json': appManifest('lead', 'crm', { data: { lead: '../data/deal.jsonl' } }),
    });
    expectDiagnostic(c, c.one('MAN003'), {
      code: 'MAN003', severity: 'error', file: 'crm/crm.isola.json', covers: 'deals', package: 'crm',
      message: ['`data` has records for app `deals`, which namespace `crm` does not declare'],
    });
  });

  it('fires for an absolute script path, at the path, naming the root; the file is never read', async () => {
    const c = await run({
      'crm/crm.isola.json': workspace('crm', { processes: [{ code: 'approve', scripts: [{ code: 'notify', file: '/etc/passwd' }] }] }),
    });
    expectDiagnostic(c, c.one('MAN003'), {
      code: 'MAN003', severity: 'error', file: 'crm/crm.isola.json', covers: '/etc/passwd', package: 'crm',
      message: ['Script file `/etc/passwd` is an absolute path', 'must be relative and inside the project root /project'],
    });
  });

  it('fires for template, data and script paths that climb out of the project, even when the file exists there', async () => {
    const c = await run({
      'crm/crm.isola.json': workspace('crm', {
        apps: [{ code: 'deal' }],
        templates: [{ code: 'offer', file: '../../offer.docx' }],
        data: { deal: '../../project-other/deal.jsonl' },
        processes: [{ code: 'approve', scripts: [{ code: 'notify', file: '../../elsewhere/notify.ts' }] }],
      }),
      '../offer.docx': 'outside',
      '../project-other/deal.jsonl': '{"id":1}',
      '../elsewhere/notify.ts': 'Global.crm.x',
    });
    const ds = c.of('MAN003');
    assert.deepEqual(ds.map((d) => c.text(d)).sort(), ['../../elsewhere/notify.ts', '../../offer.docx', '../../project-other/deal.jsonl']);
    for (const d of ds) assert.match(d.message, /leads outside the project \(to \/[^)]+\): paths in manifests must be relative and inside the project root \/project$/);
    c.none('ISO001');
  });

  it('fires for an include outside the project, and does not load what it names', async () => {
    const c = await run({
      'sol.isola.json': solution('sales_solution', ['sales.isola.json', '../shared/billing.isola.json']),
      'sales.isola.json': workspace('sales'),
      '../shared/billing.isola.json': workspace('billing', { groups: [{ code: 'g', members: [] }, { code: 'g' }] }),
    });
    expectDiagnostic(c, c.one('MAN003'), {
      code: 'MAN003', severity: 'error', file: 'sol.isola.json', covers: '../shared/billing.isola.json',
      message: ['Include `../shared/billing.isola.json` leads outside the project (to /shared/billing.isola.json)'],
    });
    assert.deepEqual(c.result.diagnostics.filter((d) => d.file.startsWith('..')), [], 'nothing outside was checked');
  });
});

describe('MAN003 names an unpack would refuse to write', () => {
  // `isola retrieve` writes a unit back under the names its manifests give its files, and refuses
  // any name that not every file system takes: the check refuses them first, so no build makes a
  // package that cannot come back into the project it was built from.
  it('fires for a reserved device name, a name ending with a dot and a forbidden character, at the path', async () => {
    const c = await run({
      'w/w.isola.json': workspace('w', {
        apps: [{ code: 'deal' }],
        processes: [{ code: 'p', scripts: [{ code: 'helper', file: 'scripts/aux.ts' }] }],
        templates: [{ code: 'letter', file: 'templates/letter.' }],
        data: { deal: 'data/a|b.jsonl' },
      }),
      'w/scripts/aux.ts': 'export {};\n',
      'w/templates/letter.': 'x',
      'w/data/a|b.jsonl': '{"id":"1"}\n',
    });
    const ds = c.of('MAN003');
    assert.deepEqual(ds.map((d) => c.text(d)), ['scripts/aux.ts', 'templates/letter.', 'data/a|b.jsonl']);
    expectDiagnostic(c, ds[0], {
      code: 'MAN003', severity: 'error', file: 'w/w.isola.json',
      message: ['Script file `scripts/aux.ts` has the name `aux.ts`, a device name Windows reserves', 'isola retrieve', 'would refuse to write it'],
    });
    assert.match(ds[1].message, /^Template file `templates\/letter\.` has the name `letter\.`, which ends with a dot or a space/);
    assert.match(ds[2].message, /^Data file `data\/a\|b\.jsonl` has the name `a\|b\.jsonl`, with a character Windows does not allow/);
  });

  it('fires at the second of two named files that differ only in letter case, in one manifest or two', async () => {
    const c = await run({
      'w/w.isola.json': workspace('w', { processes: [{ code: 'p', scripts: [{ code: 'one', file: 'scripts/Util.ts' }, { code: 'two', file: 'scripts/util.ts' }] }] }),
      'w/scripts/Util.ts': 'export {};\n',
      'w/scripts/util.ts': 'export {};\n',
      'w/z.isola.json': appManifest('z', 'w', { processes: [{ code: 'q', scripts: [{ code: 'three', file: 'scripts/UTIL.ts' }] }] }),
      'w/scripts/UTIL.ts': 'export {};\n',
    });
    const ds = c.of('MAN003');
    assert.deepEqual(ds.map((d) => `${d.file} ${c.text(d)}`), ['w/w.isola.json scripts/util.ts', 'w/z.isola.json scripts/UTIL.ts']);
    assert.match(ds[0].message, /^Script file `scripts\/util\.ts` is w\/scripts\/util\.ts, and w\/scripts\/Util\.ts, which this manifest names, differs from it only in letter case/);
    assert.match(ds[1].message, /and w\/scripts\/Util\.ts, which w\/w\.isola\.json names, differs/);
  });

  it('does not fire for names every system takes, nor for one file named twice', async () => {
    const c = await run({
      'w/w.isola.json': workspace('w', {
        processes: [{ code: 'p', scripts: [{ code: 'a', file: 'scripts/auxiliary.ts' }, { code: 'b', file: 'scripts/p.aux.ts' }, { code: 'c', file: './scripts/auxiliary.ts' }] }],
      }),
      'w/scripts/auxiliary.ts': 'export {};\n',
      'w/scripts/p.aux.ts': 'export {};\n',
    });
    c.none('MAN003');
  });

  // A script's or template's entry keeps its file's extension, and an unpack into a new folder
  // writes the file back with it unless it is one it writes no file with: that one is refused here
  // first, and every other is taken back (test/unit/unpack/lossless.test.ts).
  it('fires for a script or template extension an unpack does not write (a program, not letters and digits), at the path', async () => {
    const c = await run({
      'w/w.isola.json': workspace('w', {
        apps: [{ code: 'deal' }],
        processes: [{ code: 'p', scripts: [{ code: 'a', file: 'scripts/run.sh' }, { code: 'b', file: 'scripts/b.vue' }] }],
        templates: [{ code: 't', file: 'templates/t.EXE' }, { code: 'u', file: 'templates/u.a b' }, { code: 'v', file: 'templates/v.png' }],
        // Records are written as `data/<app>.jsonl` whatever the file was called: not judged.
        data: { deal: 'data/deal.sh' },
      }),
      'w/scripts/run.sh': 'export {};\n',
      'w/scripts/b.vue': '<template></template>\n',
      'w/templates/t.EXE': 'MZ',
      'w/templates/u.a b': 'x',
      'w/templates/v.png': 'png',
      'w/data/deal.sh': '{"id":"1"}\n',
    });
    const ds = c.of('MAN003');
    assert.deepEqual(ds.map((d) => c.text(d)), ['scripts/run.sh', 'templates/t.EXE', 'templates/u.a b']);
    expectDiagnostic(c, ds[0], {
      code: 'MAN003', severity: 'error', file: 'w/w.isola.json',
      message: ['Script file `scripts/run.sh` has the extension `.sh`, which a desktop runs as a program when the file is opened', 'into a new folder', 'could not take back what it built', 'rename the file'],
    });
    assert.match(ds[1].message, /^Template file `templates\/t\.EXE` has the extension `\.EXE`, which a desktop runs as a program/);
    assert.match(ds[2].message, /^Template file `templates\/u\.a b` has the extension `\.a b`, which is not 1 to 16 ASCII letters and digits/);
  });

  it('does not fire for ordinary extensions of images, documents with macros, other script languages, or none', async () => {
    const files = ['t.png', 't.jpg', 't.odg', 't.xlsm', 't.docm', 't.DOCX', 'plain'];
    const c = await run({
      'w/w.isola.json': workspace('w', {
        processes: [{ code: 'p', scripts: [{ code: 'a', file: 'scripts/a.vue' }, { code: 'b', file: 'scripts/b' }, { code: 'c', file: 'scripts/c.gitattributes' }] }],
        templates: files.map((f, i) => ({ code: `t${i}`, file: `templates/${f}` })),
      }),
      'w/scripts/a.vue': 'x', 'w/scripts/b': 'x', 'w/scripts/c.gitattributes': 'x',
      ...Object.fromEntries(files.map((f) => [`w/templates/${f}`, 'x'])),
    });
    c.none('MAN003');
  });

  it('fires for exactly the extensions the unpack gives a file otherwise', async () => {
    const exts = ['.png', '.vue', '.exe', '.Bat', '.lnk', '.desktop', '.sh', '.ps1', '.docm', '.a-b', '.\u00e9', `.${'x'.repeat(16)}`, `.${'x'.repeat(17)}`];
    const c = await run({
      'w/w.isola.json': workspace('w', { templates: exts.map((e, i) => ({ code: `t${i}`, file: `templates/t${i}${e}` })) }),
      ...Object.fromEntries(exts.map((e, i) => [`w/templates/t${i}${e}`, 'x'])),
    });
    const flagged = new Set(c.of('MAN003').map((d) => c.text(d)));
    for (const [i, e] of exts.entries()) {
      const renamed = safeDefaults([`templates/t${i}${e}`]).why !== undefined;
      assert.equal(flagged.has(`templates/t${i}${e}`), renamed, `${e}: flagged ${flagged.has(`templates/t${i}${e}`)}, renamed by unpack ${renamed}`);
    }
    assert.equal(flagged.size, 9, [...flagged].join(', '));
  });
});
