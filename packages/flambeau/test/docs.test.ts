/**
 * The API reference: TypeDoc builds it from the JSDoc (the config `pnpm docs` uses), and the
 * documentation survives the umbrella's re-exports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Application, type DeclarationReflection, LogLevel, type ProjectReflection, type Reflection, ReflectionKind } from 'typedoc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/registry.js';

let project: ProjectReflection;
const warnings: string[] = [];
let out: string;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'flambeau-docs-'));
  const app = await Application.bootstrapWithPlugins({ options: join(repoRoot, 'typedoc.json') });
  const log = app.logger.log.bind(app.logger);
  app.logger.log = (message: string, level: LogLevel) => {
    if (level >= LogLevel.Warn) warnings.push(message);
    log(message, level);
  };
  const converted = await app.convert();
  if (!converted) throw new Error(`TypeDoc could not convert the project:\n${warnings.join('\n')}`);
  project = converted;
  app.validate(project);
  await app.generateDocs(project, out);
}, 300_000);

afterAll(() => { if (out) rmSync(out, { recursive: true, force: true }); });

function child(parent: Reflection, name: string): DeclarationReflection {
  const found = (parent as DeclarationReflection).getChildByName(name);
  if (!found) throw new Error(`${parent.getFriendlyFullName()} has no ${name}`);
  return found as DeclarationReflection;
}

/** The comment a user sees for a function or class: on the declaration or its first signature. */
function doc(r: Reflection): string {
  const target = r.isReference() ? r.getTargetReflectionDeep() : r;
  const d = target as DeclarationReflection;
  const comment = d.comment ?? d.signatures?.[0]?.comment;
  return comment ? comment.summary.map((p) => p.text).join('') : '';
}

describe('the API reference', () => {
  it('builds with TypeDoc without warnings', () => {
    expect(warnings).toEqual([]);
  });

  it('has a page per package', () => {
    expect(project.children!.map((m) => m.name).sort()).toEqual(['@flambeau/autograd', '@flambeau/data', '@flambeau/nn', '@flambeau/onnx', '@flambeau/optim', '@flambeau/tensor', 'flambeau']);
  });

  it('keeps the docs of everything under torch.* in the umbrella', () => {
    const torch = child(child(project, 'flambeau'), 'torch');
    const members = torch.children!.filter((c) => {
      const t = c.isReference() ? c.getTargetReflectionDeep() : c;
      return t.kindOf(ReflectionKind.Function | ReflectionKind.Class);
    });
    expect(members.length).toBeGreaterThan(100);
    const undocumented = members.filter((m) => doc(m) === '').map((m) => m.name);
    expect(undocumented).toEqual([]);
    expect(doc(child(torch, 'noGrad'))).toMatch(/no_grad/);
  });

  it('reads `@flambeau/autograd` in a comment as text, not as a tag', () => {
    const backward = child(child(child(project, '@flambeau/tensor'), 'Tensor'), 'backward');
    expect(doc(backward)).toMatch(/Needs `@flambeau\/autograd`\.$/);
  });
});
