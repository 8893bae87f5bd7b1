// Containers: Sequential runs its children in order; ModuleList only holds them.
import type { Tensor } from '../tensor';
import { Module, type AnyModule } from './module';

export class Sequential extends Module {
  constructor(...modules: AnyModule[]) {
    super();
    // Children are registered under "0", "1", ... as in PyTorch.
    modules.forEach((m, i) => ((this as unknown as Record<string, AnyModule>)[String(i)] = m));
  }

  override get length(): number {
    return this.children().length;
  }

  at(i: number): AnyModule {
    const kids = this.children();
    return kids[i < 0 ? i + kids.length : i];
  }

  append(m: AnyModule): this {
    (this as unknown as Record<string, AnyModule>)[String(this.length)] = m;
    return this;
  }

  forward(x: Tensor): Tensor {
    let y: unknown = x;
    for (const m of this.children()) y = m(y);
    return y as Tensor;
  }
}

export class ModuleList<M extends AnyModule = AnyModule> extends Module<[], never> {
  constructor(modules: Iterable<M> = []) {
    super();
    let i = 0;
    for (const m of modules) (this as unknown as Record<string, M>)[String(i++)] = m;
  }

  override get length(): number {
    return this.children().length;
  }

  at(i: number): M {
    const kids = this.children() as M[];
    return kids[i < 0 ? i + kids.length : i];
  }

  append(m: M): this {
    (this as unknown as Record<string, M>)[String(this.length)] = m;
    return this;
  }

  [Symbol.iterator](): Iterator<M> {
    return (this.children() as M[])[Symbol.iterator]();
  }

  forward(): never {
    throw new Error('ModuleList is not callable: iterate over it in your forward()');
  }
}
