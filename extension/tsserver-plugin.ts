// A TypeScript server plugin (contributes.typescriptServerPlugins) that makes `import ... from 'gradlens'` resolve
// to the declarations the extension ships (dist/types), so model files get IntelliSense with nothing installed and
// nothing written into the user's workspace. It only answers where the project's own resolution found nothing: a
// real `gradlens` package the user installed, or a path mapping in their tsconfig.json, still wins.
//
// VS Code loads it into the TypeScript server (not the extension host) from
// <extension>/node_modules/gradlens-tsserver-plugin, where scripts/package-vsix.mjs puts this bundle.
import path from 'node:path';
import type * as ts from 'typescript';

type Typescript = typeof ts;
type PluginCreateInfo = { languageServiceHost: ts.LanguageServiceHost; languageService: ts.LanguageService };

export const MODULE_NAME = 'gradlens';

/** The shipped declarations' entry, from the plugin's folder <extension>/node_modules/gradlens-tsserver-plugin. */
export function shippedTypesEntry(pluginDir: string): string {
  return path.join(pluginDir, '..', '..', 'dist', 'types', 'index.d.ts');
}

/** Wraps the host's module resolution so that an unresolved `gradlens` resolves to `typesEntry`. */
export function addGradlensResolution(typescript: Typescript, host: ts.LanguageServiceHost, typesEntry: string): void {
  const resolved: ts.ResolvedModuleFull = {
    resolvedFileName: typesEntry,
    extension: typescript.Extension.Dts,
    // A library, as a package in node_modules would be: its files are not the user's to check or refactor.
    isExternalLibraryImport: true,
  };
  const literals = host.resolveModuleNameLiterals?.bind(host);
  if (literals) {
    host.resolveModuleNameLiterals = (names, ...rest) =>
      literals(names, ...rest).map((r, i) => (r.resolvedModule || names[i].text !== MODULE_NAME ? r : { resolvedModule: resolved }));
    return;
  }
  // Hosts from before TypeScript 5.0 resolve names through resolveModuleNames.
  const older = host.resolveModuleNames?.bind(host);
  if (older) {
    host.resolveModuleNames = (names, ...rest) =>
      older(names, ...rest).map((r, i) => (r || names[i] !== MODULE_NAME ? r : resolved));
  }
}

function init(modules: { typescript: Typescript }) {
  return {
    create(info: PluginCreateInfo): ts.LanguageService {
      addGradlensResolution(modules.typescript, info.languageServiceHost, shippedTypesEntry(__dirname));
      return info.languageService;
    },
  };
}

// tsserver requires the plugin module and calls its export as a factory (CommonJS `module.exports = init`).
export default init;
