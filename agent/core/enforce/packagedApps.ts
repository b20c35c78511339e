// Installs the OS manages as packages, which must be removed through it, never moved: an MSIX package folder under
// WindowsApps belongs to the AppX deployment service, and moving it breaks the registration for every user.

/** A package the OS's own remover takes away (Remove-AppxPackage for MSIX). */
export interface OsPackage {
  manager: 'msix';
  /** The package full name: Name_Version_Architecture_ResourceId_PublisherId. */
  name: string;
}

/**
 * An MSIX package's install folder is named by its package full name (Microsoft Learn, "Package identity overview":
 * `<Name>_<Version>_<Architecture>_<ResourceId>_<PublisherId>`, the resource id often empty, the publisher id 13 base-32
 * characters), directly under a WindowsApps folder. Names hold letters, digits, dots and dashes only.
 */
const MSIX_FOLDER = /[\\/]WindowsApps[\\/]([A-Za-z0-9.-]+_\d+(?:\.\d+){0,3}_[A-Za-z0-9]+_[A-Za-z0-9.-]*_[a-z0-9]{13})[\\/]?$/i;

/** The OS package an install path is, or null for an ordinary file or folder. */
export function osPackageOf(path: string): OsPackage | null {
  const m = MSIX_FOLDER.exec(path);
  return m ? { manager: 'msix', name: m[1] as string } : null;
}
