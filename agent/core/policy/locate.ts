// Maps a field path inside a parsed policy (rules/0/phases/1) to the line where the admin wrote it.
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { FieldPath } from '../schemaErrors.js';

/**
 * The 1-based line of the deepest node on the path that exists in the document: the key's line for a
 * map entry, the item's line for a list entry, so a missing field points at its parent.
 */
export function lineOf(doc: Document | null, counter: LineCounter | null, path: FieldPath): number | null {
  if (!doc || !counter) return null;
  let node: unknown = doc.contents;
  let offset: number | null = rangeStart(node);
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset === null ? null : counter.linePos(offset).line;
}

function rangeStart(node: unknown): number | null {
  const range = (node as Node | null | undefined)?.range;
  return Array.isArray(range) ? range[0] : null;
}
