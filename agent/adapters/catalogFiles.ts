// Loads the built-in catalog from policies/catalog/*.yaml of the installed package, from source or from dist.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { CordonError } from '../common/errors.js';
import { parseCatalog } from '../core/catalog/validate.js';
import type { Catalog } from '../core/catalog/types.js';

/** The package root: the nearest directory above this file that holds package.json (agent/ via tsx, dist/agent/ when built). */
export function packageRoot(start: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new CordonError('internal', 'cannot find the Cordon package root', { where: start });
    dir = parent;
  }
}

export function builtInCatalogDir(): string {
  return path.join(packageRoot(), 'policies', 'catalog');
}

export function loadBuiltInCatalog(): Catalog {
  return loadCatalogDir(builtInCatalogDir());
}

/** Every `*.yaml`/`*.yml` file of a directory, in name order, one document per file. */
export function loadCatalogDir(dir: string): Catalog {
  let names: string[];
  try {
    names = fs
      .readdirSync(dir)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort();
  } catch (err) {
    throw new CordonError('catalog-invalid', 'the catalog directory cannot be read', { where: dir, fix: 'Reinstall Cordon' }, err);
  }
  const files = names.map((n) => path.join(dir, n));
  const docs = files.map((file) => {
    try {
      return parseYaml(fs.readFileSync(file, 'utf8')) as unknown;
    } catch (err) {
      throw new CordonError('catalog-invalid', `not valid YAML: ${(err as Error).message}`, { where: file, fix: 'Correct the YAML syntax' }, err);
    }
  });
  return parseCatalog(docs, files);
}
