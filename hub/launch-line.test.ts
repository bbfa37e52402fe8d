import { describe, expect, it } from "vitest";
import { parseLaunchLine } from "./launch-line.js";

describe("parseLaunchLine", () => {
  it.each([
    ["#!/usr/bin/env -S node --a=1 --b", {}, ["--a=1", "--b"]],
    ["#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-old-space-size=256", { MALLOC_ARENA_MAX: "2" }, ["--max-old-space-size=256"]],
    ["#!/usr/bin/env -S A=1 B=x=y node", { A: "1", B: "x=y" }, []],
    ["#!/usr/bin/env node", {}, []],
    // After the interpreter an assignment is an argument of Node's, not an environment variable.
    ["#!/usr/bin/env -S node --x NOT=env", {}, ["--x"]],
  ])("%s", (line, env, nodeFlags) => {
    expect(parseLaunchLine(line)).toEqual({ env, nodeFlags });
  });
});
