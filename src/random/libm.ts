// The double-precision log / sin / cos used by PyTorch's scalar normal and exponential
// kernels come from the C library (glibc's libm on Linux). glibc is not correctly rounded
// and neither is V8's fdlibm-derived Math.log/sin/cos; the two disagree in the last bit for
// a few percent of inputs. Every caller goes through these three functions so that an exact
// glibc port can replace them in one place (see docs/RANDOM.md, "Known limits").
export const log: (x: number) => number = Math.log;
export const sin: (x: number) => number = Math.sin;
export const cos: (x: number) => number = Math.cos;
