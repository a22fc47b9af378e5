import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Card } from '../../../server/src/core/packaging/format';
import { PackageReader } from '../../../server/src/core/packaging/reader';
import { isola, REPO } from '../packaging/hostile';

/** Cards and sources of an example's package, built by the real CLI from a copy of the example. */
export async function exampleCards(example: string, pkg: string): Promise<{ cards: Card[]; attachments: Map<string, Buffer>; kind: string; code: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'isola-cards-'));
  try {
    cpSync(path.join(REPO, 'examples', example), path.join(dir, example), { recursive: true });
    const out = path.join(dir, 'p.isolapkg');
    const r = isola(['build', path.join(dir, example), '--package', pkg, '--out', out]);
    if (r.code !== 0) throw new Error(`build failed: ${r.err}`);
    const reader = await PackageReader.open(out);
    try {
      const cards = (await reader.cards()).map((c) => c.card);
      const attachments = new Map<string, Buffer>();
      for (const name of reader.entries.keys()) if (name.startsWith('scripts/')) attachments.set(name, await reader.read(name));
      return { cards, attachments, kind: reader.descriptor.kind, code: reader.descriptor.code };
    } finally {
      reader.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
