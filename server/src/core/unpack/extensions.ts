/**
 * Which extensions an unpack gives the script and template files it writes. A build names a
 * file's entry after its entity, with the extension of the file it read (`scripts/ws.p.s.vue`);
 * the unpack writes the file back as `scripts/s.vue`, so the next build names the entry, and
 * hashes the card, as the first did. The extension is the package's word, though, so a few are
 * not written. This is the one decision: the unpack applies it to what it writes, and the check
 * (MAN003) to the files a manifest names, so a project takes back every name its build makes and
 * hears before it builds of any it would not.
 */
import { attachmentExtension, type AttachmentDir } from '../packaging/attachmentNames';

/** An extension every tool reads alike: a dot, then 1 to 16 ASCII letters and digits. */
const ORDINARY = /^\.[A-Za-z0-9]{1,16}$/;

/**
 * Extensions a desktop runs, installs or mounts when the file is opened (double-clicked), or
 * acts on when a folder showing it is merely listed (`.lnk`, `.url`, `.scf` fetch their icon
 * from where they say). Windows asks before it runs a downloaded file only because the download
 * marks it; a file an unpack writes has no such mark, so a package could hand a developer a
 * program posing as a template. `.js` (Windows Script Host runs it too) and its kin are absent:
 * they are what scripts are written in.
 */
const RUNS_WHEN_OPENED: ReadonlySet<string> = new Set([
  // Windows programs, installers, shortcuts and scripts its shell runs.
  'exe', 'com', 'scr', 'pif', 'cpl', 'msi', 'msp', 'mst', 'msc', 'msix', 'msixbundle', 'appx', 'appxbundle', 'appinstaller',
  'application', 'gadget', 'bat', 'cmd', 'ps1', 'psm1', 'vb', 'vbs', 'vbe', 'jse', 'wsf', 'wsh', 'wsc', 'hta', 'sct',
  'reg', 'inf', 'lnk', 'url', 'scf', 'chm', 'hlp', 'xbap', 'diagcab', 'xll', 'jar', 'py', 'pyw', 'pyz',
  // Disk images Windows and macOS mount on opening (what they hold loses the download's mark).
  'iso', 'img', 'vhd', 'vhdx', 'dmg',
  // macOS and Linux desktops: shell scripts, launchers, installers, apps.
  'sh', 'bash', 'zsh', 'csh', 'ksh', 'command', 'tool', 'terminal', 'fileloc', 'inetloc', 'webloc', 'app', 'pkg', 'mpkg',
  'desktop', 'run', 'appimage', 'deb', 'rpm',
]);

/** Why an unpack would not give a file an extension: `ext` as it is, made printable. */
export interface ExtensionProblem {
  why: 'unusual' | 'runs';
  ext: string;
}

/**
 * Why an unpack would not write a script or template file with this extension (`.png`, or `''`
 * for none), or undefined when it would: one that is not a dot and 1 to 16 ASCII letters and
 * digits (a space, a right-to-left mark or a look-alike letter can make a file look like another
 * type than the one it opens as), or one a desktop runs when the file is opened
 * (`RUNS_WHEN_OPENED`). The unpack names such a file without it, and MAN003 reports a file a
 * manifest names with it.
 */
export function extensionProblem(ext: string): ExtensionProblem | undefined {
  if (ext === '') return undefined;
  if (!ORDINARY.test(ext)) return { why: 'unusual', ext: ext.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) };
  if (RUNS_WHEN_OPENED.has(ext.slice(1).toLowerCase())) return { why: 'runs', ext };
  return undefined;
}

/** `extensionProblem` in the unpack's words, for its notes. */
export function extensionProblemText(p: ExtensionProblem): string {
  return p.why === 'runs'
    ? `\`${p.ext}\`, which a desktop runs as a program when the file is opened`
    : `\`${p.ext}\`, which is not 1 to 16 letters and digits`;
}

/**
 * The extension of the file a package entry was read from: what follows the entity's id in the
 * entry's name (`templates/files/ws.t.png` of `ws.t` → `.png`, `templates/files/ws.t` → none),
 * also when the entry is named after an id the entity had before (packaging/attachmentNames.ts).
 */
export function entryExtension(entry: string, dir: AttachmentDir, id: string): string {
  return attachmentExtension(entry, dir, id);
}
