/** Output files of the build: written once, hashed on the way out, and listed for the manifest. */
import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CityFileEntry } from '../../src/shared/city/index.js';

export class OutputDir {
  readonly files: CityFileEntry[] = [];

  constructor(readonly root: string) {}

  /** Writes `relativePath` ('/' separated) and records it with its size and SHA-256. */
  async write(
    relativePath: string,
    content: string | Uint8Array,
    meta: { readonly synthetic: boolean; readonly description: string },
  ): Promise<CityFileEntry> {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const path = join(this.root, relativePath);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
    const entry: CityFileEntry = {
      path: relativePath,
      bytes: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      synthetic: meta.synthetic,
      description: meta.description,
    };
    this.files.push(entry);
    return entry;
  }

  writeJson(relativePath: string, value: unknown, meta: { readonly synthetic: boolean; readonly description: string }): Promise<CityFileEntry> {
    return this.write(relativePath, `${JSON.stringify(value)}\n`, meta);
  }
}

/** Writes to a temporary name and renames it into place, so readers see the old file or the whole new one. */
export async function writeFileAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}
