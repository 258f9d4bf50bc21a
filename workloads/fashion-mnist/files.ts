/**
 * Location of the workload's shipped files (weights, machine description). They stay in the source
 * tree, so compiled modules under dist/ look two levels further up for them.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Returns the source directory workloads/fashion-mnist, which contains machine.yaml and weights/. */
export function workloadDirectory(): string {
  const moduleDirectory = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [moduleDirectory, path.join(moduleDirectory, '..', '..', '..', 'workloads', 'fashion-mnist')];
  const found = candidates.find((candidate) => existsSync(path.join(candidate, 'machine.yaml')));
  if (!found) throw new Error(`workloads/fashion-mnist/machine.yaml not found next to ${moduleDirectory}; the package is incomplete`);
  return found;
}
