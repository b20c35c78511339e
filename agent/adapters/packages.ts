// The OS's own remover of the packages it manages, where there is one: MSIX on Windows; none on Linux and macOS.
import type { PackageRemover } from '../ports/index.js';
import { createMsixRemover } from './win32/packages.js';

export const osPackageRemover: PackageRemover | undefined = process.platform === 'win32' ? createMsixRemover() : undefined;
