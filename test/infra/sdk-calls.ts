/**
 * The AWS SDK commands a Lambda handler's code can send, found from its source rather than from a hand list.
 *
 * A call graph over the TypeScript program, from the module that exports the handler: module top-level code of
 * every module it imports (it runs at cold start), and every function, method and constructor referenced from code
 * already reached. A call through an interface (`deps.ledger.claim(…)`) reaches that method of each class that
 * implements the interface (`DynamoLedger.claim`), so a function is charged only for the ledger operations it
 * performs, not for every method of a module it imports. Functions written inline (arrows, callbacks, object
 * literal methods) count as reached where they are written. A command is a `new XxxCommand(…)` whose class is
 * imported from an `@aws-sdk/*` package.
 *
 * Over-approximates (a referenced method counts as called) and stops at the project's edge: code in node_modules is
 * not followed, so a library that sends AWS commands of its own would not be seen (none does here).
 */
import { resolve } from 'node:path';
import ts from 'typescript';

export interface SdkCommand {
  /** The package the command comes from, e.g. `@aws-sdk/lib-dynamodb`. */
  pkg: string;
  /** The command class, e.g. `UpdateCommand`. */
  name: string;
  /** Where it is constructed (file:line), for messages. */
  at: string;
  /** How the entry reaches it: the functions, methods and modules in between, entry first. */
  via: string[];
}

type Body = ts.Node;

const isClassMember = (n: ts.Node) =>
  (ts.isMethodDeclaration(n) ||
    ts.isConstructorDeclaration(n) ||
    ts.isGetAccessorDeclaration(n) ||
    ts.isSetAccessorDeclaration(n) ||
    ts.isPropertyDeclaration(n)) &&
  ts.isClassLike(n.parent);

/** Nodes walked only when reached by reference, not where they are written. */
const reachedByReference = (n: ts.Node) =>
  ts.isFunctionDeclaration(n) || isClassMember(n) || ts.isClassDeclaration(n) || ts.isClassExpression(n);

export class SdkCallGraph {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;
  private readonly root: string;
  /** Interface member declaration -> the class members that implement it. */
  private readonly implementations = new Map<ts.Declaration, ts.Node[]>();

  constructor(entries: string[], root: string, stubPackages = true) {
    this.root = resolve(root);
    const config = ts.readConfigFile(resolve(root, 'tsconfig.json'), ts.sys.readFile.bind(ts.sys));
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, this.root);
    const options = { ...parsed.options, noEmit: true };
    const host = ts.createCompilerHost(options);
    if (stubPackages) {
      // Packages are read as empty modules: an import from one still names its package (all a command needs),
      // and the program loads in a tenth of the time. The TypeScript and Node.js types stay.
      const read = host.getSourceFile.bind(host);
      host.getSourceFile = (file, language, ...rest) =>
        /[\\/]node_modules[\\/](?!typescript[\\/]lib[\\/]|@types[\\/]node[\\/])/.test(file)
          ? ts.createSourceFile(file, 'export {};', language)
          : read(file, language, ...rest);
    }
    this.program = ts.createProgram({ rootNames: entries.map((e) => resolve(root, e)), options, host });
    this.checker = this.program.getTypeChecker();
    this.indexImplementations();
  }

  private ownFile(file: ts.SourceFile): boolean {
    return !file.isDeclarationFile && !file.fileName.includes('/node_modules/');
  }

  private indexImplementations(): void {
    for (const file of this.program.getSourceFiles()) {
      if (!this.ownFile(file)) continue;
      const visit = (node: ts.Node): void => {
        if (ts.isClassLike(node)) {
          for (const clause of node.heritageClauses ?? []) {
            for (const type of clause.types) {
              for (const prop of this.checker.getTypeAtLocation(type).getProperties()) {
                const member = node.members.find((m) => m.name && m.name.getText() === prop.name);
                if (!member) continue;
                for (const decl of prop.declarations ?? []) {
                  if (decl.parent === node) continue;
                  this.implementations.set(decl, [...(this.implementations.get(decl) ?? []), member]);
                }
              }
            }
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
    }
  }

  /** The SDK commands reachable from the module `entry` (a path relative to the root). */
  commandsFrom(entry: string): SdkCommand[] {
    const start = this.program.getSourceFile(resolve(this.root, entry));
    if (!start) throw new Error(`${entry} is not in the program`);
    const from = new Map<Body, Body | undefined>([[start, undefined]]);
    const queue: Body[] = [start];
    const commands: SdkCommand[] = [];
    let body: Body = start;
    const reach = (n: Body | undefined) => {
      if (n && !from.has(n) && this.ownFile(n.getSourceFile())) {
        from.set(n, body);
        queue.push(n);
      }
    };
    const path = (n: Body | undefined): string[] => (n ? [...path(from.get(n)), this.nameOf(n)] : []);
    while (queue.length) {
      body = queue.pop()!;
      const walk = (node: ts.Node): void => {
        if (node !== body && reachedByReference(node)) return;
        // Types send nothing.
        if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
        if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
          const typeOnly = ts.isImportDeclaration(node) ? node.importClause?.isTypeOnly : node.isTypeOnly;
          if (!typeOnly && node.moduleSpecifier) reach(this.moduleOf(node.moduleSpecifier));
          return;
        }
        if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
          const [spec] = node.arguments;
          if (spec) reach(this.moduleOf(spec));
        }
        if (ts.isNewExpression(node)) {
          const command = this.sdkCommand(node);
          if (command) commands.push({ ...command, via: path(body) });
        }
        if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) this.reference(node, reach);
        ts.forEachChild(node, walk);
      };
      if (ts.isClassLike(body)) this.construct(body, reach);
      else ts.forEachChild(body, walk);
    }
    return commands;
  }

  /** The module an import names; a package is outside the graph, a relative import that resolves to nothing fails. */
  private moduleOf(spec: ts.Expression): ts.SourceFile | undefined {
    const file = this.checker.getSymbolAtLocation(spec)?.valueDeclaration;
    if (file && ts.isSourceFile(file)) return file;
    if (!ts.isStringLiteralLike(spec) || spec.text.startsWith('.'))
      throw new Error(`cannot follow the import ${spec.getText()} in ${spec.getSourceFile().fileName}`);
    return undefined;
  }

  /** A class is reached: its constructor, field initialisers and base class run. */
  private construct(cls: ts.ClassLikeDeclaration, reach: (n: Body | undefined) => void): void {
    for (const member of cls.members) {
      if (ts.isConstructorDeclaration(member)) reach(member);
      if (ts.isPropertyDeclaration(member) && member.initializer) reach(member);
    }
    for (const clause of cls.heritageClauses ?? [])
      if (clause.token === ts.SyntaxKind.ExtendsKeyword)
        for (const type of clause.types) this.reference(type.expression, reach);
  }

  private reference(node: ts.Node, reach: (n: Body | undefined) => void): void {
    let symbol = this.checker.getSymbolAtLocation(node);
    if (!symbol) return;
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    for (const decl of symbol.declarations ?? []) {
      if (ts.isFunctionDeclaration(decl) || isClassMember(decl) || ts.isClassLike(decl)) reach(decl);
      // A member of an interface, or of a base class, also reaches the members that implement or override it.
      for (const impl of this.implementations.get(decl) ?? []) reach(impl);
    }
  }

  /** `file.ts`, `Class.method`, `function` or `file.ts:line` of a reached body, for messages. */
  private nameOf(n: Body): string {
    if (ts.isSourceFile(n)) return n.fileName.slice(this.root.length + 1);
    const own = (n as ts.NamedDeclaration).name?.getText();
    const cls = ts.isClassLike(n.parent) ? n.parent.name?.getText() : undefined;
    if (own) return cls ? `${cls}.${own}` : own;
    if (ts.isConstructorDeclaration(n)) return `${cls ?? 'class'}.constructor`;
    const file = n.getSourceFile();
    return `${file.fileName.slice(this.root.length + 1)}:${file.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  }

  private sdkCommand(node: ts.NewExpression): Omit<SdkCommand, 'via'> | undefined {
    if (!ts.isIdentifier(node.expression) || !node.expression.text.endsWith('Command')) return undefined;
    const symbol = this.checker.getSymbolAtLocation(node.expression);
    const decl = symbol?.declarations?.[0];
    if (!decl || !ts.isImportSpecifier(decl)) return undefined;
    const from = (decl.parent.parent.parent.moduleSpecifier as ts.StringLiteral).text;
    if (!from.startsWith('@aws-sdk/')) return undefined;
    const file = node.getSourceFile();
    const line = file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    return {
      pkg: from,
      name: (decl.propertyName ?? decl.name).text,
      at: `${file.fileName.slice(this.root.length + 1)}:${line}`,
    };
  }
}
