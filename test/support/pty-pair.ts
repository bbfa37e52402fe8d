// Two linked pseudo-terminals from socat: what a USB serial device looks like to the hub. The test
// writes (or answers, for Modbus) on one end; the adapter opens the other. unplug() kills socat so
// both ends vanish as an unplugged adapter does; plug() makes them again under the same names.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export interface PtyPair {
  /** The test's end. */
  device: string;
  /** The end the hub's adapter opens. */
  port: string;
  plug(): Promise<void>;
  unplug(): Promise<void>;
}

export async function ptyPair(dir: string, name: string): Promise<PtyPair> {
  const device = join(dir, `${name}-dev`);
  const port = join(dir, `${name}-port`);
  let socat: ChildProcess | undefined;
  const pair: PtyPair = {
    device,
    port,
    async plug() {
      const child = spawn("socat", [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${port}`], { stdio: "ignore" });
      socat = child;
      const reap = () => child.kill("SIGKILL");
      process.once("exit", reap);
      child.once("exit", () => process.off("exit", reap));
      for (let i = 0; i < 200 && !(existsSync(device) && existsSync(port)); i++) await new Promise((r) => setTimeout(r, 25));
      if (!existsSync(port)) throw new Error("socat made no pty pair (is socat installed?)");
    },
    async unplug() {
      const child = socat;
      socat = undefined;
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      for (let i = 0; i < 200 && existsSync(port); i++) await new Promise((r) => setTimeout(r, 25));
    },
  };
  await pair.plug();
  return pair;
}
