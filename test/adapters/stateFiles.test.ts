// The one atomic writer: the old or the new content, never a half-written file or a stray temporary one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceFile, writeFileAtomic } from '../../agent/adapters/stateFiles.js';

const dir = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-state-'));

describe('atomic state files', () => {
  it('replaces the content with the mode asked for, creating the folder owner-only', () => {
    const d = path.join(dir(), 'state');
    const file = path.join(d, 'status.json');
    replaceFile(file, 'one', 0o644);
    replaceFile(file, 'two', 0o644);
    expect(fs.readFileSync(file, 'utf8')).toBe('two');
    expect(fs.statSync(file).mode & 0o777).toBe(0o644);
    expect(fs.statSync(d).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(d)).toEqual(['status.json']);
  });

  it('writes owner-only unless told otherwise', () => {
    const file = path.join(dir(), 'versions.json');
    replaceFile(file, '{}');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('leaves what was there and no temporary file when the rename fails', () => {
    const d = dir();
    const target = path.join(d, 'taken');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside'), 'keep');
    expect(() => replaceFile(target, 'new')).toThrow();
    expect(fs.readdirSync(d)).toEqual(['taken']);
    expect(fs.readFileSync(path.join(target, 'inside'), 'utf8')).toBe('keep');
  });

  it('reports false instead of throwing when the state folder cannot take the file', () => {
    const d = dir();
    fs.writeFileSync(path.join(d, 'not-a-folder'), '');
    expect(writeFileAtomic(path.join(d, 'not-a-folder', 'x.json'), '{}')).toBe(false);
    expect(writeFileAtomic(path.join(d, 'ok.json'), '{}')).toBe(true);
  });
});
