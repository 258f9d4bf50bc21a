/** Worker-thread entry of the sweep pool: runs one point per task. */
import { runPoint, type PointRecord, type PointTask } from './point.js';

/** Runs `task`; piscina calls the default export once per task. */
export default function runTask(task: PointTask): PointRecord {
  return runPoint(task);
}
