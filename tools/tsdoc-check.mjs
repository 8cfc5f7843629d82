// Every name a library exports from its doors (each `exports` entry of its package.json) carries TSDoc: consumers read it
// in their editor, and the packages ship it in their `.d.ts` files. Checked with the TypeScript
// compiler on the sources, export by export; each lib's package.spec.ts runs it on its own door.
import ts from 'typescript';
import { doors } from './api-report.mjs';

/**
 * Exported names of the module `entry` whose declarations have no documentation comment, sorted.
 * @param {string} entry path of a TypeScript module
 * @returns {string[]}
 */
export function undocumentedExports(entry) {
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const module = source && checker.getSymbolAtLocation(source);
  if (!module) return ['(not a module)'];
  return checker
    .getExportsOfModule(module)
    .filter((exported) => {
      const symbol =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      return symbol.getDocumentationComment(checker).length === 0;
    })
    .map((symbol) => symbol.getName())
    .sort();
}

/**
 * Undocumented exports of every door of the lib in `libDir`, as `door: name`.
 * @param {string} libDir
 * @returns {string[]}
 */
export function undocumentedInDoors(libDir) {
  return doors(libDir).flatMap(({ name, entry }) =>
    undocumentedExports(entry).map((missing) => `${name}: ${missing}`),
  );
}
