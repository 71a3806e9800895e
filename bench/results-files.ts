/** What every benchmark records about the machine, and how it writes its two result files. */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
}

/** The cores, their model and the Node.js version the benchmark ran on. */
export function machine(): Machine {
  const cpus = os.cpus();
  return { cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', node: process.version };
}

/** Writes `<name>.json` (the result) and `<name>.md` (its Markdown) to `out`; their paths. */
export async function writeResults(
  out: string,
  name: string,
  result: unknown,
  markdown: string,
): Promise<string[]> {
  await mkdir(out, { recursive: true });
  const files = [join(out, `${name}.json`), join(out, `${name}.md`)];
  await writeFile(files[0]!, `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(files[1]!, markdown);
  return files;
}
