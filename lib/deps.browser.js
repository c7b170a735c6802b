// The browser side of deps.node.js: a bundle holds these modules anyway, so they are
// imported statically and handed out by the same functions.
import protobuf from "protobufjs/light.js";
import * as png from "fast-png";

export const protobufjs = () => protobuf;
export const fastPng = () => png;
