import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { project } from './helpers';
import { packageErrors } from '../../server/src/core/packaging/builder';
import { appManifest, appWithRef, configuration, listing, processWithScript, run, solution, workspace, type Files } from './rules/fixtures';

/** The kind and code of the package each manifest is checked in. */
async function packagesOf(files: Files): Promise<Record<string, string>> {
  const p = await project(files);
  const out: Record<string, string> = {};
  for (const m of p.manifests) {
    const pkg = p.packageOf(m);
    out[m.file] = pkg ? `${pkg.kind} ${pkg.code}` : '(none)';
  }
  return out;
}

const HR = workspace('hr', { apps: [{ code: 'employees' }] });
const CRM = workspace('crm', { apps: [{ code: 'deals' }] });
const GLOBAL_SCRIPT = { processes: [processWithScript('hire', { global: true })] };

describe('packages: which package a manifest is checked in', () => {
  it('a workspace included by a solution is checked in the solution', async () => {
    const files = { 'hr/hr.isola.json': workspace('hr', GLOBAL_SCRIPT), 'hr_solution.isola.json': solution('hr_solution', ['hr/hr.isola.json']) };
    assert.deepEqual(await packagesOf(files), { 'hr/hr.isola.json': 'solution hr_solution', 'hr_solution.isola.json': 'solution hr_solution' });
    const c = await run(files);
    assert.equal(c.one('ISO001').package, 'hr_solution');
  });

  it('a workspace included only by a configuration is checked in the configuration', async () => {
    const files = { 'hr/hr.isola.json': workspace('hr', GLOBAL_SCRIPT), 'company.isola.json': configuration('company', ['hr/hr.isola.json']) };
    assert.deepEqual(await packagesOf(files), { 'company.isola.json': 'configuration company', 'hr/hr.isola.json': 'configuration company' });
    const c = await run(files);
    c.none('ISO001'); // a configuration carries global scripts
  });

  it('a solution is smaller than a configuration that includes the same workspace', async () => {
    const files = {
      'hr/hr.isola.json': HR,
      'company.isola.json': configuration('company', ['hr/hr.isola.json']),
      'hr_solution.isola.json': solution('hr_solution', ['hr/hr.isola.json']),
    };
    assert.equal((await packagesOf(files))['hr/hr.isola.json'], 'solution hr_solution');
  });

  it('a configuration that includes a solution: the solution keeps its members, the configuration holds them all', async () => {
    const files = {
      'hr/hr.isola.json': HR,
      'hr_solution.isola.json': solution('hr_solution', ['hr/hr.isola.json']),
      'company.isola.json': configuration('company', ['hr_solution.isola.json']),
    };
    const p = await project(files);
    const byFile = new Map(p.manifests.map((m) => [m.file, m]));
    assert.equal(p.packageOf(byFile.get('hr/hr.isola.json')!)!.code, 'hr_solution');
    assert.equal(p.packageOf(byFile.get('hr_solution.isola.json')!)!.code, 'hr_solution');
    const company = p.packages.find((k) => k.code === 'company')!;
    assert.deepEqual(company.members.map((m) => m.file).sort(), ['company.isola.json', 'hr/hr.isola.json', 'hr_solution.isola.json']);
  });

  it('a manifest nothing includes is its own package', async () => {
    const files = { 'hr/hr.isola.json': workspace('hr', GLOBAL_SCRIPT), 'crm/crm.isola.json': CRM, 'crm/deal.isola.json': appManifest('deal', 'crm') };
    assert.deepEqual(await packagesOf(files), {
      // An app manifest of a workspace's namespace is checked in that workspace's package (its build carries it).
      'crm/crm.isola.json': 'workspace crm', 'crm/deal.isola.json': 'workspace crm', 'hr/hr.isola.json': 'workspace hr',
    });
    const c = await run(files);
    assert.equal(c.one('ISO001').package, 'hr');
  });

  it('includes that go outside the folder are MAN003 and are not loaded', async () => {
    const files = {
      'sol/hr_solution.isola.json': solution('hr_solution', ['../../shared/hr/hr.isola.json']),
      '../shared/hr/hr.isola.json': workspace('hr', { processes: [{ code: 'hire', scripts: [{ code: 'run', file: 'scripts/run.ts' }] }] }),
      '../shared/hr/scripts/run.ts': 'export const x = Global.users;\n',
    };
    const p = await project(files);
    assert.deepEqual(p.manifests.map((m) => m.file), ['sol/hr_solution.isola.json']);
    const c = await run(files);
    const d = c.one('MAN003');
    assert.equal(c.text(d), '../../shared/hr/hr.isola.json');
    assert.ok(d.message.includes('leads outside the project'), d.message);
    c.none('ISO001');
    assert.equal(c.result.summary.files, 1);
  });

  it('manifests outside the folder that nothing includes are not loaded', async () => {
    const p = await project({ 'hr/hr.isola.json': HR, '../elsewhere/crm.isola.json': CRM });
    assert.deepEqual(p.manifests.map((m) => m.file), ['hr/hr.isola.json']);
  });

  it('an include cycle is MAN003 and does not hang', async () => {
    const files = {
      'a.isola.json': configuration('a', ['b.isola.json', 'hr/hr.isola.json']),
      'b.isola.json': configuration('b', ['c.isola.json']),
      'c.isola.json': configuration('c', ['a.isola.json']),
      'hr/hr.isola.json': HR,
    };
    const c = await run(files);
    const d = c.one('MAN003');
    assert.equal(d.file, 'c.isola.json');
    assert.ok(d.message.includes('include cycle'), d.message);
    assert.equal(c.result.summary.files, 4);
    assert.ok(/^configuration /.test((await packagesOf(files))['hr/hr.isola.json']));
  });

  it('two solutions including the same workspace: the one with fewer members is used', async () => {
    const files = {
      'hr/hr.isola.json': workspace('hr', { apps: [appWithRef('staff', 'crm.deals')] }),
      'crm/crm.isola.json': CRM,
      'a_big.isola.json': solution('a_big', ['hr/hr.isola.json', 'crm/crm.isola.json']),
      'z_small.isola.json': solution('z_small', ['hr/hr.isola.json']),
    };
    const pkgs = await packagesOf(files);
    assert.equal(pkgs['hr/hr.isola.json'], 'solution z_small');
    assert.equal(pkgs['crm/crm.isola.json'], 'solution a_big');
    const c = await run(files);
    const d = c.one('ISO004'); // z_small lacks crm, so the reference is out of its scope
    assert.equal(d.package, 'z_small');
    assert.ok(d.message.includes('to solution `z_small`'), d.message);
  });

  it('two solutions of the same size: the lower code is used', async () => {
    const files = {
      'hr/hr.isola.json': HR,
      'sol_b.isola.json': solution('sol_b', ['hr/hr.isola.json']),
      'sol_a.isola.json': solution('sol_a', ['hr/hr.isola.json']),
    };
    assert.equal((await packagesOf(files))['hr/hr.isola.json'], 'solution sol_a');
  });

  it('an app manifest next to its workspace is checked as the workspace builds it; built alone, its scope is the one app', async () => {
    const files = {
      'crm/crm.isola.json': workspace('crm', { apps: [{ code: 'leads' }] }),
      'crm/deal.isola.json': appManifest('deal', 'crm', { fields: [{ code: 'lead', type: 'app', app: 'leads' }, { code: 'self', type: 'app', app: 'deal' }] }),
      'crm_solution.isola.json': solution('crm_solution', ['crm/crm.isola.json']),
    };
    assert.equal((await packagesOf(files))['crm/deal.isola.json'], 'solution crm_solution');
    const c = await run(files);
    assert.equal(c.result.diagnostics.length, 0, listing(c.result));
    const p = await project(files);
    const deal = p.packages.find((k) => k.code === 'deal')!;
    assert.equal(deal.kind, 'app');
    assert.deepEqual(deal.members.map((m) => m.file), ['crm/deal.isola.json']);
    const alone = packageErrors(p, deal);
    assert.deepEqual(alone.map((d) => [d.code, d.file]), [['ISO004', 'crm/deal.isola.json']]);
    assert.ok(alone[0].message.includes('export workspace `crm` instead'), alone[0].message);
  });

  it('an app manifest of a namespace no workspace declares is still its own app package', async () => {
    const files = {
      'billing/invoice.isola.json': appManifest('invoice', 'billing', { fields: [{ code: 'payment', type: 'app', app: 'payment' }] }),
      'billing/payment.isola.json': appManifest('payment', 'billing'),
    };
    assert.equal((await packagesOf(files))['billing/invoice.isola.json'], 'app invoice');
    assert.equal((await run(files)).one('ISO004').file, 'billing/invoice.isola.json');
  });

  it('a workspace of a solution is also a package of its own, built alone with its own findings', async () => {
    const files = {
      'pay/pay.isola.json': workspace('pay', { groups: [{ code: 'treasurers' }] }),
      'objects/objects.isola.json': workspace('objects', { apps: [{ code: 'rates', permissions: [{ group: 'pay.treasurers', access: ['read', 'update'] }] }] }),
      'sol.isola.json': solution('sol', ['pay/pay.isola.json', 'objects/objects.isola.json']),
    };
    const c = await run(files);
    c.none('ISO004');
    const p = await project(files);
    assert.equal(p.packageOf(p.manifestAt('objects/objects.isola.json')!)!.code, 'sol');
    const objects = p.packages.find((k) => k.code === 'objects')!;
    assert.ok(objects, p.packages.map((k) => `${k.kind} ${k.code}`).join(', '));
    assert.equal(objects.kind, 'workspace');
    const alone = packageErrors(p, objects);
    assert.deepEqual(alone.map((d) => [d.code, d.file, d.package]), [['ISO004', 'objects/objects.isola.json', 'objects']]);
    assert.deepEqual(packageErrors(p, p.packages.find((k) => k.code === 'sol')!), []);
    // The view focused on the unit checks it in its own package; the project itself is unchanged.
    const view = p.checkedIn(objects);
    assert.equal(view.packageOf(view.manifestAt('objects/objects.isola.json')!)!.code, 'objects');
    assert.equal(p.packageOf(p.manifestAt('objects/objects.isola.json')!)!.code, 'sol');
  });


  it('the workspace scope includes the app manifests of its namespace', async () => {
    const c = await run({
      'crm/crm.isola.json': workspace('crm', { apps: [appWithRef('leads', 'deal')] }),
      'crm/deal.isola.json': appManifest('deal', 'crm'),
    });
    assert.equal(c.result.diagnostics.length, 0, listing(c.result));
  });
});
