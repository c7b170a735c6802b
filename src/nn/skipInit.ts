// torch.nn.utils.skip_init(module_cls, *args, **kwargs): the module built without its
// initialization drawing from the default generator. PyTorch builds it on the meta device and
// allocates uninitialized memory; here it is built as usual and the default generator's state is
// restored afterwards, so the parameters hold unspecified values (the constructor's draws) and
// every later draw is the one PyTorch makes after skip_init.
import { RuntimeError } from "../errors.ts";
import { getRngState, setRngState } from "../random/generator.ts";
import { Module } from "./module.ts";
import { pyTypeName } from "./repr.ts";

/** nn.utils.skip_init(module_cls, *args, **kwargs): `new moduleCls(...args)`, the default generator untouched. */
export function skipInit<M extends Module, A extends unknown[]>(moduleCls: new (...args: A) => M, ...args: A): M {
  if (typeof moduleCls !== "function" || !(moduleCls.prototype instanceof Module)) throw new RuntimeError(`Expected a Module; got ${pyTypeName(moduleCls)}`);
  const state = getRngState();
  try {
    return new moduleCls(...args);
  } finally {
    setRngState(state);
  }
}
