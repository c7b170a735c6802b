// The plain-text drawing of a Digraph, for where Graphviz is not installed: a tree from each
// output down to its inputs (edges point from an input to the node that consumes it, as in
// torchviz), a node met again shown once more by name with "(above)", saved tensors listed
// under their node and a view's base after it. Tensor nodes carry their role in brackets,
// read from torchviz's fill colours.
import type { Digraph, DotNode } from "./digraph.ts";

const ROLE: Record<string, string> = {
  lightblue: "leaf",
  orange: "saved",
  darkolivegreen1: "output",
  darkolivegreen3: "base",
};

/** A label's text lines, without blank lines and the dashed rule under an attribute table's title. */
function labelLines(n: DotNode): string[] {
  const lines = (n.label ?? n.id).split("\n").map((l) => l.trim()).filter((l) => l !== "" && !/^-+$/.test(l));
  return lines.length ? lines : [""];
}

export function graphText(g: Digraph): string {
  // the last statement for a node id carries its attributes, as in DOT
  const nodes = new Map<string, DotNode>();
  for (const n of g.nodes) nodes.set(n.id, n);
  for (const e of g.edges) for (const id of [e.tail, e.head]) if (!nodes.has(id)) nodes.set(id, { id, label: undefined, attrs: {} });
  const inputs = new Map<string, string[]>();
  const notes = new Map<string, string[]>();
  const consumed = new Set<string>();
  const push = (m: Map<string, string[]>, k: string, v: string) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  const isSaved = (id: string) => nodes.get(id)!.attrs.fillcolor === "orange";
  for (const e of g.edges) {
    if (e.attrs.dir === "none") {
      // a saved tensor, drawn next to the node that saved it (either end of the edge)
      const [owner, saved] = isSaved(e.head) && !isSaved(e.tail) ? [e.tail, e.head] : [e.head, e.tail];
      push(notes, owner, saved);
      consumed.add(saved);
    } else if (e.attrs.style === "dotted") {
      push(notes, e.head, e.tail); // a view's base
      consumed.add(e.tail);
    } else {
      push(inputs, e.head, e.tail);
      consumed.add(e.tail);
    }
  }
  const title = (id: string): string[] => {
    const n = nodes.get(id)!;
    const lines = labelLines(n);
    const role = ROLE[n.attrs.fillcolor ?? ""];
    if (role) lines[0] = `${lines.join(" ")} [${role}]`.trim();
    return role ? [lines[0]!] : lines;
  };
  const out: string[] = [];
  const shown = new Set<string>();
  const draw = (id: string, lead: string, branch: string, rest: string) => {
    const lines = title(id);
    if (shown.has(id)) {
      out.push(`${lead}${branch}${lines[0]} (above)`);
      return;
    }
    shown.add(id);
    out.push(`${lead}${branch}${lines[0]}`);
    const kids = inputs.get(id) ?? [];
    const bar = kids.length ? "│ " : "  ";
    for (const l of lines.slice(1)) out.push(`${lead}${rest}${bar} ${l}`);
    for (const s of notes.get(id) ?? []) out.push(`${lead}${rest}${bar} · ${title(s)[0]}`);
    kids.forEach((k, i) => {
      const last = i === kids.length - 1;
      draw(k, lead + rest, last ? "└─ " : "├─ ", last ? "   " : "│  ");
    });
  };
  for (const id of nodes.keys()) if (!consumed.has(id)) draw(id, "", "", "");
  return out.join("\n") + "\n";
}

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Text lines as an SVG picture (monospace, one <text> per line). */
export function textToSvg(text: string, fontSize = 12): string {
  const lines = text.replace(/\n$/, "").split("\n");
  const lineHeight = Math.round(fontSize * 1.3);
  const width = Math.ceil(Math.max(1, ...lines.map((l) => [...l].length)) * fontSize * 0.62) + 16;
  const height = lines.length * lineHeight + 16;
  const body = lines
    .map((l, i) => `<text x="8" y="${8 + (i + 1) * lineHeight - Math.round(fontSize * 0.3)}" xml:space="preserve">${escapeXml(l)}</text>`)
    .join("\n");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n<g font-family="monospace" font-size="${fontSize}" fill="black">\n${body}\n</g>\n</svg>\n`
  );
}
