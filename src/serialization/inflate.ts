// Raw DEFLATE (RFC 1951) decoder in plain TypeScript, so deflated zip entries can be read
// synchronously in Node and in browsers alike. PyTorch stores its entries uncompressed;
// this path serves archives re-packed by other zip tools.
//
// `expectedSize` bounds the output: a stream that would produce more is rejected, so a
// crafted "zip bomb" cannot exhaust memory.

class BitReader {
  pos = 0;
  bit = 0; // bit buffer
  cnt = 0; // bits in buffer
  constructor(readonly src: Uint8Array) {}
  bits(n: number): number {
    while (this.cnt < n) {
      if (this.pos >= this.src.length) throw new Error("unexpected end of deflate stream");
      this.bit |= this.src[this.pos++]! << this.cnt;
      this.cnt += 8;
    }
    const v = this.bit & ((1 << n) - 1);
    this.bit >>>= n;
    this.cnt -= n;
    return v;
  }
  alignToByte(): void {
    this.bit = 0;
    this.cnt = 0;
  }
}

/** Canonical Huffman table: counts per length and symbols sorted by code. */
interface Huffman {
  count: Uint16Array;
  symbol: Uint16Array;
}

function buildHuffman(lengths: Uint8Array, n: number): Huffman {
  const count = new Uint16Array(16);
  const symbol = new Uint16Array(n);
  for (let i = 0; i < n; i++) count[lengths[i]!]!++;
  count[0] = 0;
  let left = 1;
  for (let len = 1; len < 16; len++) {
    left = left * 2 - count[len]!;
    if (left < 0) throw new Error("over-subscribed Huffman code");
  }
  const offs = new Uint16Array(16);
  for (let len = 1; len < 15; len++) offs[len + 1] = offs[len]! + count[len]!;
  for (let i = 0; i < n; i++) if (lengths[i]) symbol[offs[lengths[i]!]!++] = i;
  return { count, symbol };
}

function decodeSym(br: BitReader, h: Huffman): number {
  let code = 0, first = 0, index = 0;
  for (let len = 1; len < 16; len++) {
    code |= br.bits(1);
    const c = h.count[len]!;
    if (code - c < first) return h.symbol[index + (code - first)]!;
    index += c;
    first = (first + c) << 1;
    code <<= 1;
  }
  throw new Error("invalid Huffman code");
}

const LBASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEXT = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DBASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DEXT = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CLORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

let FIXED: [Huffman, Huffman] | undefined;
function fixedTables(): [Huffman, Huffman] {
  if (!FIXED) {
    const l = new Uint8Array(288);
    l.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
    FIXED = [buildHuffman(l, 288), buildHuffman(new Uint8Array(30).fill(5), 30)];
  }
  return FIXED;
}

export function inflateRaw(src: Uint8Array, expectedSize: number): Uint8Array {
  // DEFLATE cannot expand more than 1032:1; a larger claim is a lie, refuse before allocating.
  if (!Number.isSafeInteger(expectedSize) || expectedSize < 0 || expectedSize > src.length * 1032 + 1024)
    throw new Error(`declared size ${expectedSize} is impossible for ${src.length} compressed bytes`);
  const out = new Uint8Array(expectedSize);
  let op = 0;
  const br = new BitReader(src);
  const overflow = () => new Error(`deflate stream produces more than the expected ${expectedSize} bytes`);
  let final = 0;
  do {
    final = br.bits(1);
    const type = br.bits(2);
    if (type === 0) {
      br.alignToByte();
      if (br.pos + 4 > src.length) throw new Error("unexpected end of deflate stream");
      const len = src[br.pos]! | (src[br.pos + 1]! << 8);
      const nlen = src[br.pos + 2]! | (src[br.pos + 3]! << 8);
      if (len !== (~nlen & 0xffff)) throw new Error("stored block length check failed");
      br.pos += 4;
      if (br.pos + len > src.length) throw new Error("unexpected end of deflate stream");
      if (op + len > expectedSize) throw overflow();
      out.set(src.subarray(br.pos, br.pos + len), op);
      op += len;
      br.pos += len;
      continue;
    }
    let lit: Huffman, dist: Huffman;
    if (type === 1) {
      [lit, dist] = fixedTables();
    } else if (type === 2) {
      const hlit = br.bits(5) + 257, hdist = br.bits(5) + 1, hclen = br.bits(4) + 4;
      const cl = new Uint8Array(19);
      for (let i = 0; i < hclen; i++) cl[CLORDER[i]!] = br.bits(3);
      const clh = buildHuffman(cl, 19);
      const lens = new Uint8Array(hlit + hdist);
      for (let i = 0; i < hlit + hdist; ) {
        const sym = decodeSym(br, clh);
        if (sym < 16) lens[i++] = sym;
        else {
          let rep = 0, val = 0;
          if (sym === 16) {
            if (i === 0) throw new Error("repeat with no previous length");
            val = lens[i - 1]!;
            rep = 3 + br.bits(2);
          } else if (sym === 17) rep = 3 + br.bits(3);
          else rep = 11 + br.bits(7);
          if (i + rep > hlit + hdist) throw new Error("too many code lengths");
          lens.fill(val, i, i + rep);
          i += rep;
        }
      }
      lit = buildHuffman(lens.subarray(0, hlit), hlit);
      dist = buildHuffman(lens.subarray(hlit), hdist);
    } else {
      throw new Error("invalid block type 3");
    }
    for (;;) {
      const sym = decodeSym(br, lit);
      if (sym < 256) {
        if (op >= expectedSize) throw overflow();
        out[op++] = sym;
      } else if (sym === 256) {
        break;
      } else {
        const li = sym - 257;
        if (li >= 29) throw new Error("invalid length symbol");
        const len = LBASE[li]! + br.bits(LEXT[li]!);
        const ds = decodeSym(br, dist);
        if (ds >= 30) throw new Error("invalid distance symbol");
        const d = DBASE[ds]! + br.bits(DEXT[ds]!);
        if (d > op) throw new Error("distance reaches before the start of the output");
        if (op + len > expectedSize) throw overflow();
        if (d === 1) out.fill(out[op - 1]!, op, op + len); // a run of one byte
        else if (d >= len) out.copyWithin(op, op - d, op - d + len); // source and target apart
        else for (let k = op; k < op + len; k++) out[k] = out[k - d]!; // overlapping: byte by byte
        op += len;
      }
    }
  } while (!final);
  if (op !== expectedSize) throw new Error(`deflate stream produced ${op} bytes, expected ${expectedSize}`);
  return out;
}
