// Token attributions as HTML, as Captum's visualize_text and format_word_importances: each
// word on a background whose lightness follows its attribution (green positive, red
// negative), in a table row per record with its labels and scores. The markup is Captum's,
// character for character (words are inserted as given, as Captum does).
import { AssertionError } from "../../errors.ts";
import { Tensor } from "../../tensor.ts";

/** _get_color: hsl(120, 75%, 100 - 50a%) for a > 0, hsl(0, 75%, 100 - 40|a|%) otherwise, a clipped to [-1, 1]. */
export function attributionColor(attr: number): string {
  const a = Math.max(-1, Math.min(1, attr));
  return a > 0 ? `hsl(120, 75%, ${100 - Math.trunc(50 * a)}%)` : `hsl(0, 75%, ${100 - Math.trunc(-40 * a)}%)`;
}

/** Python's "{:.2f}": the double's exact value rounded to 2 decimals, ties to even. */
export function pyFixed2(x: number): string {
  const s = Math.abs(x).toFixed(20);
  const [int, frac] = s.split(".") as [string, string];
  let cents = BigInt(int + frac.slice(0, 2));
  const rest = frac.slice(2);
  if (rest > "5".padEnd(rest.length, "0") || (rest === "5".padEnd(rest.length, "0") && cents % 2n === 1n)) cents += 1n;
  const digits = cents.toString().padStart(3, "0");
  const out = `${digits.slice(0, -2)}.${digits.slice(-2)}`;
  return x < 0 || Object.is(x, -0) ? `-${out}` : out;
}

const formatClassname = (name: string | number) => `<td><text style="padding-right:2em"><b>${name}</b></text></td>`;
const formatSpecialTokens = (t: string) => (t.startsWith("<") && t.endsWith(">") ? `#${t.replace(/^[<>]+|[<>]+$/g, "")}` : t);

function numbers(v: Tensor | readonly number[]): number[] {
  if (v instanceof Tensor) {
    if (v.dim() !== 1) throw new AssertionError(`Expected 1D array, got torch.Size([${v.shape.join(", ")}])`);
    return v.tolist() as number[];
  }
  return [...v];
}

/** One table cell: each word marked with its attribution's colour. */
export function formatWordImportances(words: readonly string[], importances: Tensor | readonly number[] | null): string {
  if (importances === null || (importances instanceof Tensor ? importances.numel() : importances.length) === 0) return "<td></td>";
  const imp = numbers(importances);
  if (!(words.length <= imp.length)) throw new AssertionError("");
  const tags = ["<td>"];
  words.forEach((w, i) => {
    tags.push(`<mark style="background-color: ${attributionColor(imp[i]!)}; opacity:1.0;                     line-height:1.75"><font color="black"> ${formatSpecialTokens(w)}                    </font></mark>`);
  });
  tags.push("</td>");
  return tags.join("");
}

/** Captum's VisualizationDataRecord: one example's words, their attributions and its labels. */
export class VisualizationDataRecord {
  constructor(
    readonly wordAttributions: Tensor | readonly number[],
    readonly predProb: number,
    readonly predClass: string | number,
    readonly trueClass: string | number,
    readonly attrClass: string | number,
    readonly attrScore: number,
    readonly rawInputIds: readonly string[],
    readonly convergenceScore: number,
  ) {}
}

/** visualize_text: the records as an HTML table (with the colour legend), as a string. */
export function visualizeText(records: Iterable<VisualizationDataRecord>, legend = true): string {
  const dom = ["<table width: 100%>"];
  const rows = ["<tr><th>True Label</th><th>Predicted Label</th><th>Attribution Label</th><th>Attribution Score</th><th>Word Importance</th>"];
  for (const r of records) {
    rows.push(
      [
        "<tr>",
        formatClassname(r.trueClass),
        formatClassname(`${r.predClass} (${pyFixed2(r.predProb)})`),
        formatClassname(r.attrClass),
        formatClassname(pyFixed2(r.attrScore)),
        formatWordImportances(r.rawInputIds, r.wordAttributions),
        "<tr>",
      ].join(""),
    );
  }
  if (legend) {
    dom.push('<div style="border-top: 1px solid; margin-top: 5px;             padding-top: 5px; display: inline-block">');
    dom.push("<b>Legend: </b>");
    ([[-1, "Negative"], [0, "Neutral"], [1, "Positive"]] as const).forEach(([v, label]) => {
      dom.push(`<span style="display: inline-block; width: 10px; height: 10px;                 border: 1px solid; background-color:                 ${attributionColor(v)}"></span> ${label}  `);
    });
    dom.push("</div>");
  }
  dom.push(rows.join(""));
  dom.push("</table>");
  return dom.join("");
}
