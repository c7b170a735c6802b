// Every type the public API mentions can be named by a user: walks the signatures of what
// src/index.ts exports (namespaces included, function and method bodies and private members
// left out) with the TypeScript compiler and lists the types declared in src/ that no export
// reaches. torch.nn's are listed apart: its module and functional signatures are being
// reworked on their own branch (issue 15), which exports its types.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

function unexportedTypes(): Map<string, string> {
  const entry = `${SRC}index.ts`;
  const program = ts.createProgram([entry], {
    allowImportingTsExtensions: true, noEmit: true, strict: true, skipLibCheck: true,
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  const checker = program.getTypeChecker();
  const resolve = (s: ts.Symbol): ts.Symbol => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const reachable = new Set<ts.Declaration>();
  const seen = new Set<ts.Symbol>();
  const walk = (mod: ts.Symbol): void => {
    for (const exported of checker.getExportsOfModule(mod)) {
      const s = resolve(exported);
      if (seen.has(s)) continue;
      seen.add(s);
      for (const d of s.declarations ?? []) reachable.add(d);
      if (s.flags & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule)) walk(s);
      const init = s.valueDeclaration && ts.isVariableDeclaration(s.valueDeclaration) ? s.valueDeclaration.initializer : undefined;
      if (init !== undefined && ts.isIdentifier(init)) {
        const target = checker.getSymbolAtLocation(init); // `export const F = functional`
        if (target !== undefined) walk(resolve(target));
      }
    }
  };
  walk(checker.getSymbolAtLocation(program.getSourceFile(entry)!)!);

  const missing = new Map<string, string>(); // type name -> the file declaring it
  const visit = (node: ts.Node): void => {
    if (ts.isBlock(node)) return; // bodies are not the public surface
    if ((ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isParameterPropertyDeclaration(node, node.parent)) &&
      (ts.getCombinedModifierFlags(node) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected) || ts.isPrivateIdentifier(node.name))) return;
    // @internal members are stripped from the published declarations (tsconfig.build.json)
    if (ts.getJSDocTags(node).some((t) => t.tagName.text === "internal")) return;
    if (ts.isTypeReferenceNode(node)) {
      const name = ts.isQualifiedName(node.typeName) ? node.typeName.right : node.typeName;
      const s = checker.getSymbolAtLocation(name);
      if (s !== undefined && !(resolve(s).flags & ts.SymbolFlags.TypeParameter)) {
        const decls = resolve(s).declarations ?? [];
        const file = decls[0]?.getSourceFile().fileName ?? "";
        if (file.startsWith(SRC) && !decls.some((d) => reachable.has(d))) missing.set(resolve(s).getName(), file.slice(SRC.length));
      }
    }
    ts.forEachChild(node, visit);
  };
  for (const d of reachable) if (!ts.isSourceFile(d) && !ts.isModuleDeclaration(d)) visit(d);
  return missing;
}

test("every type in the public signatures outside torch.nn is exported", () => {
  const missing = unexportedTypes();
  const outsideNn = [...missing].filter(([, file]) => !file.startsWith("nn/")).map(([name, file]) => `${name} (${file})`);
  assert.deepEqual(outsideNn, []);
  // the walk sees through namespaces and re-exports: these are reachable only that way
  for (const name of ["ValuesIndices", "ReduceOptions", "NestedList", "ForeachFlag", "AnyDataset", "GradModeGuard"]) assert.ok(!missing.has(name), name);
});
