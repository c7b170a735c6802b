// TypeDoc plugin for torch-ts's API reference (npm run docs):
//
// - Every exported symbol whose name mirrors a PyTorch name gets a "PyTorch:" @see link to that
//   name's page. The name is computed, never listed: the namespace maps to PyTorch's module
//   (nn -> torch.nn, optim.lrScheduler -> torch.optim.lr_scheduler, ...), camelCase becomes
//   snake_case (zeroGrad -> zero_grad), a member of a class maps to the member of PyTorch's class
//   (or of nn.Module / Optimizer / Tensor for inherited ones), and a field of `XOptions` maps to
//   the argument of the same name of X. A link is made only when PyTorch has the name
//   (tools/typedoc/pytorch-api.json, written from PyTorch by tools/gen_pytorch_api.py).
// - A mirrored symbol without a doc comment is documented as "Mirrors PyTorch's `torch.X`."
//   (its behaviour is PyTorch's, checked against PyTorch by the tests). Anything torch-ts has
//   that PyTorch does not needs a written doc comment: CONTRIBUTING.md.
// - Members whose names start with "_" are PyTorch's private convention and are left out.
import { readFileSync } from "node:fs";
import { Comment, CommentTag, Converter, ReflectionKind } from "typedoc";

const api = JSON.parse(readFileSync(new URL("./pytorch-api.json", import.meta.url), "utf8")).names;
const DOCS = "https://pytorch.org/docs/stable/";

/** torch-ts namespace path -> PyTorch module; longest first. */
const NAMESPACES = [
  ["nn.functional", "torch.nn.functional"],
  ["F", "torch.nn.functional"],
  ["nn.init", "torch.nn.init"],
  ["nn.utils.rnn", "torch.nn.utils.rnn"],
  ["nn.utils", "torch.nn.utils"],
  ["nn.parallel", "torch.nn.parallel"],
  ["nn", "torch.nn"],
  ["optim.lrScheduler", "torch.optim.lr_scheduler"],
  ["optim.swaUtils", "torch.optim.swa_utils"],
  ["optim", "torch.optim"],
  ["utils.data", "torch.utils.data"],
  ["utils.tensorboard", "torch.utils.tensorboard.writer"],
  ["autograd", "torch.autograd"],
  ["onnx", "torch.onnx"],
  ["distributions.constraints", "torch.distributions.constraints"],
  ["distributions", "torch.distributions"],
  ["distributed", "torch.distributed"],
  ["", "torch"],
];
/** Where members a class inherits are documented in PyTorch. */
const BASES = {
  "torch.nn": "torch.nn.Module",
  "torch.optim": "torch.optim.Optimizer",
  "torch.optim.lr_scheduler": "torch.optim.lr_scheduler.LRScheduler",
  "torch": "torch.Tensor",
  "torch.nn.Parameter": "torch.Tensor",
  "torch.nn.UninitializedParameter": "torch.Tensor",
  "torch.optim.swa_utils.AveragedModel": "torch.nn.Module",
  "torch.optim.swa_utils.SWALR": "torch.optim.lr_scheduler.LRScheduler",
  "torch.nn.UninitializedBuffer": "torch.Tensor",
  "torch.distributions": "torch.distributions.Distribution",
  "torch.distributed.TCPStore": "torch.distributed.Store",
  "torch.distributed.PrefixStore": "torch.distributed.Store",
  "torch.nn.parallel": "torch.nn.Module",
};

export const snake = (name) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2").toLowerCase();
const isClassName = (name) => /^[A-Z]/.test(name);

/** The page of a PyTorch name (its class's page, anchored, for a member of a class). */
export function pageOf(q) {
  const parts = q.split(".");
  for (let i = parts.length - 1; i > 1; i--) {
    const owner = parts.slice(0, i).join(".");
    if (owner !== "torch.Tensor" && api[owner] && isClassName(parts[i - 1])) return `${pageOf(owner).split("#")[0]}#${q}`;
  }
  const ns = parts.slice(0, -1).join(".");
  if (ns === "torch.nn.init") return `${DOCS}nn.init.html#${q}`;
  if (ns === "torch.utils.data") return `${DOCS}data.html#${q}`;
  if (ns === "torch.onnx") return `${DOCS}onnx.html#${q}`;
  if (ns.startsWith("torch.distributions")) return `${DOCS}distributions.html#${q}`;
  if (ns === "torch.distributed") return `${DOCS}distributed.html#${q}`;
  if (ns.startsWith("torch.utils.tensorboard")) return `${DOCS}tensorboard.html#${q}`;
  return `${DOCS}generated/${q}.html`;
}

/** Reflection path from the entry module: ["nn", "Linear", "forward"]. */
function pathOf(r) {
  const parts = [];
  for (let x = r; x && x.kind !== ReflectionKind.Project; x = x.parent) parts.unshift(x.name);
  return parts;
}

/** The PyTorch name a torch-ts symbol mirrors, and for an options field the argument, or undefined. */
export function pytorchName(parts) {
  const joined = parts.join(".");
  const [tsNs, pyNs] = NAMESPACES.find(([ts]) => ts === "" || joined.startsWith(`${ts}.`));
  const rest = tsNs ? parts.slice(tsNs.split(".").length) : parts;
  if (!rest.length) return undefined;
  const [head, ...members] = rest;
  // A field of an options interface: an argument of the function or class it configures.
  const opts = /^(\w+?)Options$/.exec(head);
  if (opts && members.length === 1) {
    const arg = snake(members[0]);
    for (const owner of [`${pyNs}.${opts[1]}`, `${pyNs}.${snake(opts[1][0].toLowerCase() + opts[1].slice(1))}`]) {
      if (api[owner]?.includes(arg)) return { name: owner, arg };
    }
    return undefined;
  }
  const top = isClassName(head) ? head : snake(head);
  let q = `${pyNs}.${top}`;
  if (head === "Tensor" && tsNs === "") q = "torch.Tensor";
  if (head === "SummaryWriter" && tsNs === "utils.tensorboard") q = "torch.utils.tensorboard.writer.SummaryWriter";
  if (!api[q]) return undefined;
  if (!members.length) return { name: q };
  if (members.length > 1) return undefined;
  const m = snake(members[0]);
  if (api[`${q}.${m}`]) return { name: `${q}.${m}` };
  for (const base of [BASES[q], BASES[pyNs]]) if (base && api[`${base}.${m}`]) return { name: `${base}.${m}` };
  // A field holding a constructor argument (nn.Conv2d.inChannels is PyTorch's in_channels).
  if (isClassName(head) && api[q].includes(m)) return { name: q, attr: m };
  return undefined;
}

const text = (t) => [{ kind: "text", text: t }];
const hasText = (c) => !!c && (c.summary.some((p) => p.text.trim()) || c.blockTags.length > 0);

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const project = context.project;
    for (const r of Object.values(project.reflections)) {
      if (r.name.startsWith("_") && r.kind !== ReflectionKind.Parameter && r.kind !== ReflectionKind.Project) project.removeReflection(r);
    }
  });
  // After TypeDoc copied comments to inherited members (resolve end, priority 0).
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    for (const r of Object.values(context.project.reflections)) {
      if (!r.kindOf(ReflectionKind.SomeExport | ReflectionKind.SomeMember) || r.kindOf(ReflectionKind.Constructor)) continue;
      const py = pytorchName(pathOf(r));
      if (!py) continue;
      const link = `PyTorch: [\`${py.name}\`](${pageOf(py.name)})`;
      const summary = py.arg
        ? `PyTorch's \`${py.arg}\` argument of \`${py.name}\`.`
        : py.attr
          ? `PyTorch's \`${py.name}\` attribute \`${py.attr}\` (the constructor's argument).`
          : `Mirrors PyTorch's \`${py.name}\`.`;
      const holders = r.signatures?.length ? r.signatures : r.getSignature ? [r.getSignature] : [r];
      const documented = holders.some((h) => hasText(h.comment)) || (holders[0] !== r && hasText(r.comment));
      for (const h of holders) {
        if (!h.comment) h.comment = new Comment(documented ? [] : text(summary));
        else if (!documented) h.comment.summary = text(summary);
        if (!h.comment.blockTags.some((t) => t.tag === "@see" && t.content.some((p) => p.text.includes("PyTorch:"))))
          h.comment.blockTags.push(new CommentTag("@see", text(link)));
      }
    }
  }, -100);
}
