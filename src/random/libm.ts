// The double-precision log / sin / cos used by PyTorch's scalar normal and exponential
// kernels. PyTorch 1.13.1 on Debian/x86-64 gets them from glibc 2.36's libm, which on CPUs
// with FMA runs __log_fma, __sin_fma and __cos_fma. Neither glibc nor V8's fdlibm-derived
// Math.log/sin/cos is correctly rounded and the two disagree in the last bit for a few
// percent of inputs, so these are bit-exact ports of the glibc functions (src/random/libm/;
// test/libm.test.ts checks them against the real libm). Every caller goes through here.
export { log } from "./libm/log.ts";
export { sin, cos } from "./libm/sincos.ts";
