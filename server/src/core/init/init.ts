import * as path from 'node:path';
import { linkedPathVerdict } from '../manifest/linkedPath';
import { MANIFEST_KINDS, ManifestKind } from '../manifest/types';

/**
 * What `isola init` and VS Code's "Create Project" write into a new project: the files and their
 * text, from the options alone. Reading the folder and writing files is the caller's (the CLI
 * and the extension write the same files; neither may overwrite one that exists).
 */

/** The schema every manifest names: the `$id` of schemas/manifest.schema.json, which the language server serves offline for `*.isola.json`. */
export const MANIFEST_SCHEMA_URL = 'https://isola.dev/schemas/manifest.schema.json';

/**
 * Lines `.gitignore` gets: the embedded environment's data, built packages, and the temporary
 * files a killed build or unpack leaves (`FILE.partial-<pid>-<hex>`, exclusiveWrite.ts).
 */
export const GITIGNORE_ENTRIES = ['.isola/', '*.isolapkg', '*.partial-*'];

/** A namespace code (workspace, module); every unit `init` makes uses one, so it can be a namespace. */
export const CODE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

export interface InitOptions {
  kind: ManifestKind;
  /** Code of the unit; a solution's or configuration's first workspace is `<code>_main`. */
  code: string;
  /** Title shown in the platform; made from the code when absent. */
  title?: string;
  /** Languages in order; `["en"]` when absent. */
  languages?: string[];
  /** Version of the isola package the CI example runs, so CI runs the version that made the project. */
  toolVersion: string;
}

export interface InitFile {
  /** Path relative to the project folder, with `/`. */
  path: string;
  text: string;
  /** `append`: added at the end of a file that exists (`.gitignore`); `create`: a new file. */
  mode: 'create' | 'append';
}

export interface InitPlan {
  files: InitFile[];
  /** The first manifest, the one to open. */
  manifest: string;
  /** Commands to run next, shown after the files are written. */
  next: string[];
}

/** Why a code cannot be used, or undefined when it can. */
export function codeProblem(kind: ManifestKind, code: string): string | undefined {
  if (!CODE_PATTERN.test(code)) return `"${code}" is not a code: lower-case letters, digits and _, starting with a letter, at most 64 characters`;
  if (hasMember(kind) && memberCode(code).length > 64) return `"${code}" is too long for a ${kind}: its first workspace, ${memberCode(code)}, would pass 64 characters`;
  return undefined;
}

/** Why a language list cannot be used, or undefined. */
export function languagesProblem(languages: string[]): string | undefined {
  const bad = languages.find((l) => !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(l));
  if (bad !== undefined) return `"${bad}" is not a language code such as en, ru or en-US`;
  if (new Set(languages).size !== languages.length) return 'a language is listed twice';
  if (languages.length === 0) return 'at least one language is needed';
  return undefined;
}

/** A code made from a folder name (`My Project` → `my_project`), for when none is given. */
export function codeFromFolderName(name: string): string {
  const code = name.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^[^a-z]+/, '').replace(/_+/g, '_').slice(0, 40).replace(/_$/, '');
  return code || 'project';
}

/** The files of a new project. `gitignore` is the text of the folder's `.gitignore`, if it has one. */
export function initPlan(o: InitOptions, gitignore?: string): InitPlan {
  if (!MANIFEST_KINDS.includes(o.kind)) throw new Error(`unknown kind ${o.kind}`);
  const problem = codeProblem(o.kind, o.code) ?? languagesProblem(o.languages ?? ['en']);
  if (problem) throw new Error(problem);
  const manifests = manifestFiles(o);
  const files: InitFile[] = [
    { path: 'isola.config.json', text: CONFIG_TEXT, mode: 'create' },
    ...manifests,
  ];
  const ignore = gitignoreAddition(gitignore);
  if (ignore !== undefined) files.push({ path: '.gitignore', text: ignore, mode: gitignore === undefined ? 'create' : 'append' });
  files.push({ path: '.github/workflows/isola.yml', text: workflow(o), mode: 'create' });
  const version = '0.1.0';
  return {
    files,
    manifest: manifests[0].path,
    next: [
      'isola check',
      `isola build --package ${o.code}`,
      `isola import ${o.code}-${version}.isolapkg --env local`,
    ],
  };
}

/**
 * What to append to a `.gitignore` so that it holds every entry: undefined when it holds them
 * all already. Lines are compared trimmed, so `.isola/` written by hand is not added twice.
 */
export function gitignoreAddition(existing: string | undefined): string | undefined {
  const have = new Set((existing ?? '').split(/\r?\n/).map((l) => l.trim()));
  const missing = GITIGNORE_ENTRIES.filter((e) => !have.has(e) && !have.has(`/${e}`));
  if (missing.length === 0) return undefined;
  const lead = existing && !/\n$/.test(existing) ? '\n' : '';
  const gap = existing && existing.trim() ? '\n' : '';
  return `${lead}${gap}# Isola: the embedded environment's data, built packages and unfinished writes\n${missing.join('\n')}\n`;
}

function hasMember(kind: ManifestKind): boolean {
  return kind === 'solution' || kind === 'configuration';
}

function memberCode(code: string): string {
  return `${code}_main`;
}

/** `service_desk` → `Service desk`. */
export function titleFromCode(code: string): string {
  const words = code.replace(/_+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const CONFIG_TEXT = `// Isola's project file: the environments that \`isola import --env NAME\`, \`isola export\` and
// VS Code's Environments view use. "local", the embedded environment in .isola/local, always exists.
// Tokens never go here: the CLI reads ISOLA_TOKEN_<NAME> (or the variable "tokenEnv" names).
{
  "environments": {
    // "staging": { "url": "http://127.0.0.1:7700" },
    // "production": { "url": "https://isola.example.com", "production": true, "tokenEnv": "ISOLA_PROD_TOKEN" }
  }
}
`;

/** The first manifest, and for a solution or configuration the workspace it includes. */
function manifestFiles(o: InitOptions): InitFile[] {
  const title = o.title ?? titleFromCode(o.code);
  const head = {
    $schema: MANIFEST_SCHEMA_URL,
    kind: o.kind,
    code: o.code,
    ...(o.kind === 'app' ? { namespace: o.code } : {}),
    title,
    version: '0.1.0',
    languages: o.languages ?? ['en'],
  };
  const file = (path: string, value: object): InitFile => ({ path, text: `${pretty(value, '')}\n`, mode: 'create' });
  switch (o.kind) {
    case 'workspace':
      return [file(`${o.code}.isola.json`, { ...head, apps: [starterApp(o.code, title)] })];
    case 'module':
      return [file(`${o.code}.isola.json`, { ...head, settings: [{ code: 'greeting', title: 'Greeting', type: 'string' }] })];
    case 'app':
      return [file(`${o.code}.isola.json`, { ...head, fields: starterApp(o.code, title).fields })];
    case 'solution':
    case 'configuration': {
      const member = memberCode(o.code);
      const memberTitle = `${title}: main workspace`;
      const memberHead = { ...head, kind: 'workspace', code: member, title: memberTitle };
      return [
        file(`${o.code}.isola.json`, {
          ...head,
          includes: [`${member}/${member}.isola.json`],
          ...(o.kind === 'configuration' ? { orgChart: { code: 'head', title: 'Head of the company' } } : {}),
        }),
        file(`${member}/${member}.isola.json`, { ...memberHead, apps: [starterApp(member, title)] }),
      ];
    }
  }
}

/**
 * JSON as the examples are written: a list of plain values, or an object of plain values (a
 * field), on one line when it fits; everything else one property per line.
 */
export function pretty(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const items = Array.isArray(value) ? value : Object.entries(value);
  const plain = (v: unknown) => v === null || typeof v !== 'object';
  const flat = Array.isArray(value) ? value.every(plain) : Object.values(value).every(plain);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  const part = (item: unknown, inner: string) => (Array.isArray(value) ? pretty(item, inner) : `${JSON.stringify((item as [string, unknown])[0])}: ${pretty((item as [string, unknown])[1], inner)}`);
  if (items.length === 0) return `${open}${close}`;
  if (indent && flat) {
    const line = Array.isArray(value) ? `[${items.map((i) => part(i, '')).join(', ')}]` : `{ ${items.map((i) => part(i, '')).join(', ')} }`;
    if (indent.length + line.length <= 100) return line;
  }
  const inner = `${indent}  `;
  return `${open}\n${items.map((i) => `${inner}${part(i, inner)}`).join(',\n')}\n${indent}${close}`;
}

/** One app with two fields, one of them a link to a built-in app: something to build and import. */
function starterApp(code: string, title: string) {
  return {
    code,
    title,
    fields: [
      { code: 'subject', title: 'Subject', type: 'string', required: true },
      { code: 'company', title: 'Company', type: 'app', app: '_clients._companies' },
    ],
  };
}

/**
 * A GitHub Actions workflow that checks every manifest and builds the package on each push.
 * Isola comes from the npm package the team keeps (a file in the repository, or an https address
 * pinned by its SHA-256), never from the public registry by name: whoever publishes a package
 * called `isola` there would otherwise run code in every such pipeline, with its token.
 */
function workflow(o: InitOptions): string {
  return `# Checks the manifests and builds the package on every push and pull request.
# The build is refused while isolation errors stand, so a red run means the package would not export.
#
# Isola is installed from its npm package (isola-${o.toolVersion}.tgz, made by \`npm run package:npm\` in
# Isola's repository), never fetched from a registry by name. Set the repository variable
# ISOLA_PACKAGE to the package's path in this repository, or to an https address together with
# ISOLA_PACKAGE_SHA256 (\`sha256sum isola-${o.toolVersion}.tgz\`); a download without it is refused.
name: Isola
on: [push, pull_request]
jobs:
  isola:
    runs-on: ubuntu-latest
    env:
      ISOLA_PACKAGE: \${{ vars.ISOLA_PACKAGE }}
      ISOLA_PACKAGE_SHA256: \${{ vars.ISOLA_PACKAGE_SHA256 }}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - name: Install Isola
        run: |
          ${installScript().split('\n').join('\n          ')}
      - run: isola check
      - run: isola build --package ${o.code} --comment "CI build of \${{ github.sha }}"
      - uses: actions/upload-artifact@v4
        with:
          name: ${o.code}-package
          path: "*.isolapkg"
`;
}

/** The workflow's install step, in bash: refuses a missing package, a plain http address and a hash that differs. */
function installScript(): string {
  return [
    'set -euo pipefail',
    'pkg="$RUNNER_TEMP/isola.tgz"',
    'case "${ISOLA_PACKAGE:-}" in',
    '  "") echo "::error::set the repository variable ISOLA_PACKAGE to Isola\'s npm package: a path in this repository or an https address"; exit 1 ;;',
    '  https://*) [ -n "${ISOLA_PACKAGE_SHA256:-}" ] || { echo "::error::ISOLA_PACKAGE is a download: set ISOLA_PACKAGE_SHA256 to its SHA-256"; exit 1; }',
    '    curl --fail --silent --show-error --location --proto \'=https\' --proto-redir \'=https\' --output "$pkg" "$ISOLA_PACKAGE" ;;',
    '  *://*) echo "::error::ISOLA_PACKAGE must be a path in this repository or an https address"; exit 1 ;;',
    '  *) cp -- "$ISOLA_PACKAGE" "$pkg" ;;',
    'esac',
    'if [ -n "${ISOLA_PACKAGE_SHA256:-}" ]; then',
    '  echo "${ISOLA_PACKAGE_SHA256}  $pkg" | sha256sum --check --status || { echo "::error::$ISOLA_PACKAGE is not the package ISOLA_PACKAGE_SHA256 names"; exit 1; }',
    'fi',
    'npm install --global --prefix "$RUNNER_TEMP/isola" --offline --no-audit --no-fund "$pkg"',
    'echo "$RUNNER_TEMP/isola/bin" >> "$GITHUB_PATH"',
  ].join('\n');
}

/**
 * The first file of a plan that would be written outside `dir` once symbolic links are followed
 * (a `.gitignore` or a `.github` folder that links elsewhere), with where it leads; undefined when
 * every one stays inside. Init appends to a `.gitignore` that exists, so a link there would write
 * into someone else's file.
 */
export function fileOutside(dir: string, plan: InitPlan): { path: string; target: string } | undefined {
  for (const f of plan.files) {
    const v = linkedPathVerdict(dir, f.path, path.join(dir, ...f.path.split('/')));
    if (!v.inside) return { path: f.path, target: v.target };
  }
  return undefined;
}
