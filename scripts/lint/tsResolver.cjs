// Lets the layer rules (eslint-plugin-boundaries) follow this repository's imports: sources import `./x.js`, the file is `x.ts`.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const SOURCE_FOR = { '.js': ['.ts', '.js'], '.cjs': ['.cts', '.cjs'], '.mjs': ['.mts', '.mjs'], '.json': ['.json'] };

exports.interfaceVersion = 2;

exports.resolve = (source, file) => {
  if (!source.startsWith('.')) {
    if (source.startsWith('node:')) return { found: true, path: null };
    try {
      return { found: true, path: require.resolve(source, { paths: [path.dirname(file)] }) };
    } catch {
      return { found: false };
    }
  }
  const target = path.resolve(path.dirname(file), source);
  const ext = path.extname(target);
  for (const candidate of (SOURCE_FOR[ext] ?? []).map((e) => target.slice(0, -ext.length) + e)) {
    if (fs.existsSync(candidate)) return { found: true, path: candidate };
  }
  return { found: false };
};
