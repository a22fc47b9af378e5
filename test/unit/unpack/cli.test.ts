import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalClient } from '../../../server/src/env/localClient';

const REPO = path.resolve(__dirname, '../../../..');
const CLI = path.join(REPO, 'dist/cli.js');

function isola(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function git(args: string[], cwd: string): string {
  const r = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

let tmp: string;
before(() => {
  assert.ok(existsSync(CLI), 'dist/cli.js is built before the tests');
  tmp = mkdtempSync(path.join(os.tmpdir(), 'isola-unpack-cli-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('isola unpack', () => {
  it('writes the manifests of a package and lists each file as created; again, as unchanged; --format json', () => {
    const project = path.join(tmp, 'invoices');
    cpSync(path.join(REPO, 'examples/invoices'), project, { recursive: true });
    assert.equal(isola(['build', '.', '--package', 'invoices', '--data', 'all', '--out', '../inv.isolapkg'], project).code, 0);
    const r = isola(['unpack', 'inv.isolapkg', '--dir', 'fresh'], tmp);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Unpacked workspace invoices 1\.0\.0 into fresh:\n/);
    assert.match(r.out, /  created   invoices\/invoices\.isola\.json\n/);
    assert.match(r.out, /  created   invoices\/data\/payment_purposes\.jsonl\n/);
    assert.equal(isola(['check', 'fresh'], tmp).code, 0);
    const again = isola(['unpack', 'inv.isolapkg', '--dir', 'fresh', '--format', 'json'], tmp);
    assert.equal(again.code, 0, again.err);
    const json = JSON.parse(again.out) as { files: { status: string }[]; written: boolean };
    assert.ok(json.files.length >= 5 && json.files.every((f) => f.status === 'unchanged'), again.out);
  });

  it('--dry-run writes nothing; a missing package is bad input (exit 2, one line)', () => {
    const r = isola(['unpack', 'inv.isolapkg', '--dir', 'dry', '--dry-run'], tmp);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /dry run: nothing written/);
    assert.ok(!existsSync(path.join(tmp, 'dry')));
    const bad = isola(['unpack', 'nothing.isolapkg'], tmp);
    assert.equal(bad.code, 2);
    assert.equal(bad.err.trim().split('\n').length, 1);
  });
});

describe('isola unpack beside a manifest of the package\'s unit that cannot be read', () => {
  it('is refused in one line (exit 1, nothing written); --force writes beside it and a note says so', () => {
    const project = path.join(tmp, 'invoices-src');
    cpSync(path.join(REPO, 'examples/invoices'), project, { recursive: true });
    assert.equal(isola(['build', '.', '--package', 'invoices', '--out', '../inv-broken.isolapkg'], project).code, 0);
    const dir = path.join(tmp, 'kept-elsewhere');
    mkdirSync(dir);
    const broken = '{\n  "kind": "workspace",\n  "code": "invoices"\n  "title": "Invoices"\n}\n';
    writeFileSync(path.join(dir, 'old.isola.json'), broken);
    const r = isola(['unpack', '../inv-broken.isolapkg'], dir);
    assert.equal(r.code, 1, r.out);
    assert.equal(r.err, 'isola unpack: refused, nothing written: old.isola.json declares workspace invoices, which the package carries, but cannot be read (line 4: comma expected): '
      + 'the unpack would write invoices/invoices.isola.json beside it, a second manifest of that unit; fix old.isola.json so it is edited in place, or pass --force to write invoices/invoices.isola.json beside it\n');
    assert.deepEqual(readdirSync(dir), ['old.isola.json']);
    const forced = isola(['unpack', '../inv-broken.isolapkg', '--force'], dir);
    assert.equal(forced.code, 0, forced.err);
    assert.match(forced.out, /  created   invoices\/invoices\.isola\.json\n/);
    assert.match(forced.out, /invoices\/invoices\.isola\.json goes beside old\.isola\.json, which declares workspace invoices too but cannot be read \(line 4: comma expected\)/);
    assert.equal(readFileSync(path.join(dir, 'old.isola.json'), 'utf8'), broken);
  });
});

describe('isola retrieve', () => {
  it('import payments into local, change an app there, retrieve: exactly its manifest changes, and the rebuild imports as an update', async () => {
    const project = path.join(tmp, 'payments');
    cpSync(path.join(REPO, 'examples/payments'), project, { recursive: true });
    git(['init', '-q'], project);
    assert.equal(isola(['build', '.', '--package', 'payments_solution', '--out', '../p1.isolapkg'], project).code, 0);
    const imp = isola(['import', '../p1.isolapkg', '--env', 'local'], project);
    assert.equal(imp.code, 0, imp.err);
    git(['add', '-A', ':!.isola'], project);
    git(['commit', '-qm', 'imported'], project);

    const same = isola(['retrieve', '--package', 'payments_solution', '--kind', 'solution', '--env', 'local'], project);
    assert.equal(same.code, 0, same.err);
    assert.equal(git(['status', '--short', '--', '.', ':!.isola'], project), '', 'retrieving what was just imported changes no file');

    const local = await LocalClient.open(path.join(project, '.isola/local'), 'ann');
    const app = await local.entity('payments.payment_requests');
    await local.changeEntity(app.id, { body: { ...app.body, title: 'Payment requests (changed in local)' } });
    await local.close();

    const r = isola(['retrieve', '--package', 'payments_solution', '--kind', 'solution', '--env', 'local'], project);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /  changed   payments\/payments\.isola\.json \(1 entity\)\n/);
    const changed = git(['status', '--short', '--', '.', ':!.isola'], project).split('\n').filter(Boolean).map((l) => l.slice(3)).sort();
    assert.deepEqual(changed, ['isola.history.json', 'payments/payments.isola.json']);
    const diff = git(['diff', '-U0', '--', 'payments/payments.isola.json'], project).split('\n').filter((l) => /^[-+] /.test(l));
    assert.deepEqual(diff, ['-      "title": "Payment requests",', '+      "title": "Payment requests (changed in local)",']);
    assert.ok(readFileSync(path.join(project, 'payments/payments.isola.json'), 'utf8').includes('// Catalogs of the other workspace'));

    // The retrieved manifests build what the environment has; edited further, they import as an update, not a conflict.
    const planOf = (pkg: string) => {
      assert.equal(isola(['build', '.', '--package', 'payments_solution', '--out', pkg], project).code, 0);
      const plan = isola(['import', pkg, '--env', 'local', '--dry-run', '--format', 'json'], project);
      assert.equal(plan.code, 0, plan.err);
      return (JSON.parse(plan.out) as { plan: { entities: { id: string; action: string }[] } }).plan.entities.find((e) => e.id === 'payments.payment_requests')?.action;
    };
    assert.equal(planOf('../p2.isolapkg'), 'unchanged');
    const file = path.join(project, 'payments/payments.isola.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('(changed in local)', '(changed in local, then here)'));
    assert.equal(planOf('../p3.isolapkg'), 'update');
  });

  it('with data: the records the environment exports in its own spelling leave the data file as it was', () => {
    const project = path.join(tmp, 'invoices-data');
    cpSync(path.join(REPO, 'examples/invoices'), project, { recursive: true });
    git(['init', '-q'], project);
    assert.equal(isola(['build', '.', '--package', 'invoices', '--data', 'all', '--out', '../i1.isolapkg'], project).code, 0);
    const imp = isola(['import', '../i1.isolapkg', '--env', 'local'], project);
    assert.equal(imp.code, 0, imp.err);
    git(['add', '-A', ':!.isola'], project);
    git(['commit', '-qm', 'imported'], project);
    const same = isola(['retrieve', '--package', 'invoices', '--env', 'local', '--data', 'all'], project);
    assert.equal(same.code, 0, same.err);
    assert.match(same.out, /  unchanged data\/payment_purposes\.jsonl\n/);
    assert.equal(git(['status', '--short', '--', '.', ':!.isola'], project), '', 'retrieving what was just imported changes no file');
  });
});

describe('isola unpack over a data file that differs in one record', () => {
  it('changes that record\'s line only; the others keep their text, key order and spacing', () => {
    const project = path.join(tmp, 'records');
    cpSync(path.join(REPO, 'examples/invoices'), project, { recursive: true });
    const file = path.join(project, 'data/payment_purposes.jsonl');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    // The package: the second record renamed, every line as the build writes it.
    const changed = lines.map((l, i) => (i === 1 ? JSON.stringify({ ...JSON.parse(l), name: 'Renamed' }) : l));
    writeFileSync(file, changed.join('\n') + '\n');
    assert.equal(isola(['build', '.', '--package', 'invoices', '--data', 'all', '--out', '../records.isolapkg'], project).code, 0);
    // The project as the person keeps it: keys in another order, with spaces, and the old name.
    const mine = lines.map((l) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(l)).reverse()), null, 1).replace(/\n/g, ''));
    writeFileSync(file, mine.join('\n') + '\n');
    const r = isola(['unpack', '../records.isolapkg', '--dir', '.'], project);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /changed {3}data\/payment_purposes\.jsonl/);
    const after = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(after.length, lines.length);
    for (let i = 0; i < lines.length; i++) assert.equal(after[i], i === 1 ? changed[1] : mine[i], `line ${i + 1}`);
    // A file kept with CRLF line breaks keeps them.
    writeFileSync(file, mine.join('\r\n') + '\r\n');
    assert.equal(isola(['unpack', '../records.isolapkg', '--dir', '.'], project).code, 0);
    assert.equal(readFileSync(file, 'utf8'), mine.map((l, i) => (i === 1 ? changed[1] : l)).join('\r\n') + '\r\n');
  });

  it('a record the package adds at the top goes after the records the file has, whose lines stay as they were (records are found by id)', () => {
    const project = path.join(tmp, 'inserted');
    cpSync(path.join(REPO, 'examples/invoices'), project, { recursive: true });
    const file = path.join(project, 'data/payment_purposes.jsonl');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const added = JSON.stringify({ id: 'pp_new', name: 'New purpose' });
    writeFileSync(file, [added, ...lines].join('\n') + '\n');
    assert.equal(isola(['build', '.', '--package', 'invoices', '--data', 'all', '--out', '../inserted.isolapkg'], project).code, 0);
    const mine = lines.map((l) => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(l)).reverse())));
    writeFileSync(file, mine.join('\n') + '\n');
    assert.equal(isola(['unpack', '../inserted.isolapkg', '--dir', '.'], project).code, 0);
    assert.deepEqual(readFileSync(file, 'utf8').trim().split('\n'), [...mine, added]);
  });

  it('keeps the file\'s order of its records: a changed one changes in place, a removed one goes, new ones follow in the package\'s order', () => {
    const project = path.join(tmp, 'reordered');
    mkdirSync(path.join(project, 'data'), { recursive: true });
    writeFileSync(path.join(project, 'sales.isola.json'), JSON.stringify({ kind: 'workspace', code: 'sales', version: '1.0.0', apps: [{ code: 'deal' }], data: { deal: 'data/deal.jsonl' } }));
    const file = path.join(project, 'data/deal.jsonl');
    // The package holds the records sorted by id, as an environment exports them.
    writeFileSync(file, ['{"id":"a","n":1}', '{"id":"b","n":2,"t":"renamed"}', '{"id":"c","n":3}', '{"id":"d","n":4}'].join('\n') + '\n');
    assert.equal(isola(['build', '.', '--package', 'sales', '--data', 'all', '--out', '../reordered.isolapkg'], project).code, 0);
    writeFileSync(file, ['{ "id": "z", "n": 26 }', '{ "id": "b", "n": 2 }', '{ "n": 1, "id": "a" }'].join('\n') + '\n');
    const r = isola(['unpack', '../reordered.isolapkg', '--dir', '.'], project);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(readFileSync(file, 'utf8').trim().split('\n'), ['{"id":"b","n":2,"t":"renamed"}', '{ "n": 1, "id": "a" }', '{"id":"c","n":3}', '{"id":"d","n":4}']);
  });
});

describe('isola retrieve right after an import, with data', () => {
  it('changes no file when the records are not in id order, or hold -0 or an exponent the database writes its own way', () => {
    const project = path.join(tmp, 'unsorted');
    mkdirSync(path.join(project, 'data'), { recursive: true });
    writeFileSync(path.join(project, 'sales.isola.json'), JSON.stringify({ kind: 'workspace', code: 'sales', version: '1.0.0', apps: [{ code: 'deal' }], data: { deal: 'data/deal.jsonl' } }, null, 2) + '\n');
    writeFileSync(path.join(project, 'data/deal.jsonl'), ['{"id":"b","name":"second"}', '{"id":"a","name":"first"}', '{"id":"z","n":-0,"e":1e2,"f":1.50}', '{"id":10}', '{"id":9}'].join('\n') + '\n');
    git(['init', '-q'], project);
    assert.equal(isola(['build', '.', '--package', 'sales', '--data', 'all', '--out', '../unsorted.isolapkg'], project).code, 0);
    const imp = isola(['import', '../unsorted.isolapkg', '--env', 'local'], project);
    assert.equal(imp.code, 0, imp.err);
    git(['add', '-A', ':!.isola'], project);
    git(['commit', '-qm', 'imported'], project);
    const same = isola(['retrieve', '--package', 'sales', '--env', 'local', '--data', 'all'], project);
    assert.equal(same.code, 0, same.err);
    assert.match(same.out, /  unchanged data\/deal\.jsonl\n/);
    assert.equal(git(['status', '--short', '--', '.', ':!.isola'], project), '', 'retrieving what was just imported changes no file');
  });
});

describe('isola unpack beside a manifest of another unit with the same code', () => {
  it('the workspace invoices beside a module invoices: refused, naming that manifest, and nothing written', () => {
    const project = path.join(tmp, 'module-beside');
    cpSync(path.join(REPO, 'examples/invoices'), path.join(tmp, 'module-beside-src'), { recursive: true });
    assert.equal(isola(['build', '.', '--package', 'invoices', '--out', '../module-beside.isolapkg'], path.join(tmp, 'module-beside-src')).code, 0);
    mkdirSync(path.join(project, 'mods'), { recursive: true });
    writeFileSync(path.join(project, 'isola.config.json'), '{}\n');
    writeFileSync(path.join(project, 'mods/invoices.isola.json'), JSON.stringify({ kind: 'module', code: 'invoices', title: 'Invoices module', version: '1.0.0', languages: ['en', 'ru'], widgets: [{ code: 'invoices_on_approval', title: 'My widget' }] }, null, 2));
    const r = isola(['unpack', '../module-beside.isolapkg', '--dir', '.'], project);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.err, /mods\/invoices\.isola\.json declares module invoices already, which this workspace package does not carry: a manifest of its workspace invoices beside it would declare the code invoices a second time/);
    assert.deepEqual(readdirSync(project).sort(), ['isola.config.json', 'mods']);
    assert.equal(isola(['check', '.'], project).code, 0);
  });

  it('two manifests of the package\'s own workspace: refused, naming both, and neither edited', () => {
    const project = path.join(tmp, 'two-of-one');
    cpSync(path.join(REPO, 'examples/invoices'), project, { recursive: true });
    assert.equal(isola(['build', '.', '--package', 'invoices', '--out', '../two-of-one.isolapkg'], project).code, 0);
    mkdirSync(path.join(project, 'old'));
    const copy = readFileSync(path.join(project, 'invoices.isola.json'), 'utf8').replace('"title": "Invoices"', '"title": "Invoices (old)"');
    writeFileSync(path.join(project, 'old/invoices.isola.json'), copy);
    const before = readFileSync(path.join(project, 'invoices.isola.json'), 'utf8');
    const r = isola(['unpack', '../two-of-one.isolapkg', '--dir', '.'], project);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.err, /invoices\.isola\.json and old\/invoices\.isola\.json both declare workspace invoices \(isola check says MAN001\): keep one of them, then unpack/);
    assert.equal(readFileSync(path.join(project, 'invoices.isola.json'), 'utf8'), before);
    assert.equal(readFileSync(path.join(project, 'old/invoices.isola.json'), 'utf8'), copy);
  });
});
