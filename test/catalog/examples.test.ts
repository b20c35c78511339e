// Every example in the built-in catalog, laid out for real and run: positives must be found, look-alikes must not.
import { afterAll, describe, expect, it } from 'vitest';
import { loadBuiltInCatalog } from '../../agent/adapters/catalogFiles.js';
import { nodeFileSystem } from '../../agent/adapters/fileSystem.js';
import { matchProcesses, scanConfigs, scanInstalls } from '../../agent/core/detect/index.js';
import { tempMachine, type TempMachine } from '../detect/layout.js';

const catalog = loadBuiltInCatalog();
const machines: TempMachine[] = [];
afterAll(() => machines.forEach((m) => m.cleanup()));

for (const tool of catalog.tools) {
  describe(tool.id, () => {
    const ex = tool.examples;
    const only = { ...catalog, tools: [tool] };
    for (const p of ex.processes?.match ?? []) {
      it(`finds process ${p.argv.join(' ')} on ${p.platform}`, () => {
        const obs = matchProcesses([{ pid: 4242, ...p }], only, p.platform);
        expect(obs.map((o) => o.tool)).toEqual([tool.id]);
      });
    }
    for (const p of ex.processes?.noMatch ?? []) {
      it(`ignores process ${p.argv.join(' ')} on ${p.platform}`, () => {
        expect(matchProcesses([{ pid: 4242, ...p }], only, p.platform)).toEqual([]);
      });
    }
    for (const e of ex.installs?.match ?? []) {
      it(`finds install ${e.path} on ${e.platform}`, () => {
        const m = tempMachine(e.platform);
        machines.push(m);
        const real = e.type === 'dir' ? m.dirAt(e.path) : m.file(e.path);
        const obs = scanInstalls(nodeFileSystem, [tool], m.ctx);
        expect(obs.flatMap((o) => o.parts?.map((p) => p.path) ?? [o.path])).toContain(real);
      });
    }
    for (const e of ex.installs?.noMatch ?? []) {
      it(`ignores install ${e.path} on ${e.platform}`, () => {
        const m = tempMachine(e.platform);
        machines.push(m);
        if (e.type === 'dir') m.dirAt(e.path);
        else m.file(e.path);
        expect(scanInstalls(nodeFileSystem, [tool], m.ctx)).toEqual([]);
      });
    }
    for (const e of ex.configs?.match ?? []) {
      it(`finds config ${e.path} on ${e.platform}: ${JSON.stringify(e.content).slice(0, 60)}`, () => {
        const m = tempMachine(e.platform);
        machines.push(m);
        const real = m.file(e.path, e.content);
        const obs = scanConfigs(nodeFileSystem, [tool], m.ctx);
        expect(obs.map((o) => o.path)).toEqual([real]);
      });
    }
    for (const e of ex.configs?.noMatch ?? []) {
      it(`ignores config ${e.path} on ${e.platform}: ${JSON.stringify(e.content).slice(0, 60)}`, () => {
        const m = tempMachine(e.platform);
        machines.push(m);
        m.file(e.path, e.content);
        expect(scanConfigs(nodeFileSystem, [tool], m.ctx)).toEqual([]);
      });
    }
  });
}
