// Types of deps.node.js / deps.browser.js (package.json "imports" #deps).
export declare function protobufjs(): typeof import("protobufjs/light.js");
export declare function fastPng(): typeof import("fast-png");
