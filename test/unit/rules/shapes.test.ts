import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { configuration, run, workspace } from './fixtures';

// Manifests written the way platform users think: permission sets, one-root org charts, and one
// finding for one mistake.

const withAccess = (access: unknown) => ({
  'sales/sales.isola.json': workspace('sales', {
    groups: [{ code: 'clerks' }],
    apps: [{ code: 'orders', permissions: [{ group: 'clerks', access }] }],
  }),
});

describe('permissions are sets of rights', () => {
  it('a list of rights is accepted, as is one right', async () => {
    for (const access of [['read', 'create', 'update'], 'full', ['delete']]) {
      const c = await run(withAccess(access));
      assert.equal(c.result.diagnostics.length, 0, `${JSON.stringify(access)}: ${JSON.stringify(c.result.diagnostics)}`);
    }
  });

  it('an unknown right in a list is one MAN002 on that right, naming the allowed ones, with a did-you-mean', async () => {
    const c = await run(withAccess(['read', 'updaet']));
    const d = c.one('MAN002');
    assert.equal(c.text(d), 'updaet');
    for (const right of ['"read"', '"create"', '"update"', '"delete"', '"full"']) assert.ok(d.message.includes(right), d.message);
    assert.match(d.message, /did you mean "update"\?/);
  });

  it('an unknown single right is one MAN002, with a did-you-mean', async () => {
    const c = await run(withAccess('reed'));
    const d = c.one('MAN002');
    assert.equal(c.text(d), 'reed');
    assert.match(d.message, /did you mean "read"\?/);
  });

  it('a right of the wrong type is one finding, not a type finding and an enum finding', async () => {
    for (const access of [5, true, { read: true }]) {
      const c = await run(withAccess(access));
      const d = c.one('MAN002');
      assert.match(d.message, /must be one right .* or a list of rights; found/, d.message);
    }
    const c = await run(withAccess([5]));
    assert.match(c.one('MAN002').message, /`apps\[0\]\.permissions\[0\]\.access\[0\]` must be "read".*found number 5/);
  });

  it('an empty list and a right listed twice are one finding each', async () => {
    assert.match((await run(withAccess([]))).one('MAN002').message, /fewer than 1/);
    assert.match((await run(withAccess(['read', 'read']))).one('MAN002').message, /duplicate/);
  });

  it('a wrong type outside a combinator is still one finding (enum named, type found)', async () => {
    const c = await run({ 'sales/sales.isola.json': workspace('sales', { processes: [], apiMethods: [] }) });
    c.none('MAN002');
    const m = await run({ 'm/m.isola.json': { kind: 'module', code: 'm', apiMethods: [{ code: 'get', method: 5 }] } });
    const d = m.one('MAN002');
    assert.match(d.message, /must be "GET", "POST".*found number 5/);
  });
});

describe('an org chart has one head', () => {
  const company = (orgChart: unknown) => ({
    'company.isola.json': configuration('company', ['sales/sales.isola.json'], { orgChart }),
    'sales/sales.isola.json': workspace('sales', {
      apps: [{ code: 'orders', permissions: [{ orgUnit: 'sales_dept', access: ['read', 'create'] }, { orgUnit: 'ceo', access: 'full' }] }],
    }),
  });

  it('one root unit with children is accepted and its units resolve', async () => {
    const c = await run(company({ code: 'ceo', children: [{ code: 'sales_dept' }] }));
    assert.equal(c.result.diagnostics.length, 0, JSON.stringify(c.result.diagnostics));
  });

  it('a list of roots is still accepted', async () => {
    const c = await run(company([{ code: 'ceo', children: [{ code: 'sales_dept' }] }]));
    assert.equal(c.result.diagnostics.length, 0, JSON.stringify(c.result.diagnostics));
  });

  it('children given as one object is one MAN002, and the units under it still resolve (no ISO006)', async () => {
    const c = await run(company({ code: 'ceo', children: { code: 'sales_dept' } }));
    const d = c.one('MAN002');
    assert.match(d.message, /`orgChart\.children` must be array/);
    c.none('ISO006');
  });

  it('an org chart that is neither a unit nor a list is one MAN002', async () => {
    const c = await run(company('ceo'));
    assert.match(c.one('MAN002').message, /`orgChart` must be one root unit .* or a list of root units; found the string "ceo"/);
  });
});
