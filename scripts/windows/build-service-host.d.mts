// Types of build-service-host.mjs (plain JavaScript, so electron-builder loads it as its beforePack hook without a build).
export declare const defaultHostPath: string;
export declare function buildServiceHost(out?: string): string;
export default function beforePack(context: { electronPlatformName: string }): Promise<void>;
