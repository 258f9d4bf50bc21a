/**
 * The dispatcher and the per-unit timelines. Each core's control unit walks the program in order,
 * one instruction per cycle, and appends queue instructions to the load, compute, vector or store
 * queue. Each queue starts its instructions in order, as soon as its unit is free and the dependency
 * tokens it waits for have been sent. A queue's timeline is a single `freeAt` cycle, so simulation
 * time grows with the number of instructions, not with the work they describe.
 *
 * The simulation processes a queue's head as soon as its tokens exist, and computes its start cycle
 * from the cycles carried by those tokens, so the order of processing affects only the arbitration of
 * shared off-chip ports (see Channel).
 */
import { UserError } from '../../common/errors.js';
import type { Diagnostic } from '../../common/diagnostic.js';
import type { StallCause } from '../trace/types.js';
import type { RunContext } from './context.js';
import { STALL_INDEX } from './counters.js';
import { CONTROL_UNIT, CoreStatus, MAX_ARGS, QUEUE_NAMES } from './machine.js';
import { NodeTag, runtimeError, type CompiledOp, type Core, type Node } from './ops.js';

/**
 * Instructions a core dispatches before the scheduler picks a core again. Several cores take turns
 * in small batches, always the core that is furthest behind in simulated time, so that their
 * requests reach the shared off-chip ports roughly in time order.
 */
const SINGLE_CORE_BATCH = 4096;
const MULTI_CORE_BATCH = 4;

/** Runs every core until all have halted and drained; returns the cycle count. */
export function runCores(cores: Core[], body: readonly Node[], context: RunContext): number {
  for (const core of cores) core.frames.push({ nodes: body, pc: 0, depth: -1, count: 1 });
  const batch = cores.length === 1 ? SINGLE_CORE_BATCH : MULTI_CORE_BATCH;

  for (;;) {
    let chosen: Core | undefined;
    for (const core of cores) {
      if (core.status === CoreStatus.Running && (chosen === undefined || core.clock < chosen.clock)) chosen = core;
    }
    if (chosen) {
      for (let i = 0; i < batch && chosen.status === CoreStatus.Running; i++) step(chosen, context);
      continue;
    }
    if (releaseBarrier(cores, context)) continue;
    if (cores.every((core) => core.status === CoreStatus.Halted)) break;
    throw new Error('scheduler made no progress without reporting a deadlock');
  }

  let cycles = 0;
  for (const core of cores) {
    cycles = Math.max(cycles, core.lastCompletion, core.dispatchCycle);
    context.counters.units[context.unitBase[core.index] + CONTROL_UNIT].instructions = core.dispatched;
  }
  return cycles;
}

/** Dispatches one node of the program on `core`. */
function step(core: Core, context: RunContext): void {
  const frame = core.frames[core.frames.length - 1];

  // End of a block: next loop iteration, leave the loop, or end of the program.
  if (frame.pc >= frame.nodes.length) {
    if (frame.depth < 0) {
      halt(core, context, undefined);
      return;
    }
    const next = core.indices[frame.depth] + 1;
    if (next < frame.count) {
      core.indices[frame.depth] = next;
      frame.pc = 0;
    } else {
      core.frames.pop();
    }
    return;
  }

  const node = frame.nodes[frame.pc];
  countDispatch(core, node, context);
  switch (node.tag) {
    case NodeTag.Op:
      frame.pc += 1;
      enqueue(core, node.op, context);
      break;
    case NodeTag.Loop: {
      const count = node.count(core.env);
      if (!Number.isSafeInteger(count) || count < 1) {
        throw runtimeError(node.instruction, core, `loop count ${count} is invalid at run time: expected an integer of at least 1`);
      }
      if (count > context.limits.maxLoopCount) {
        throw runtimeError(node.instruction, core, `loop count ${count} exceeds the limit of ${context.limits.maxLoopCount} iterations`);
      }
      frame.pc += 1;
      core.indices[node.depth] = 0;
      core.frames.push({ nodes: node.body, pc: 0, depth: node.depth, count });
      break;
    }
    case NodeTag.Set: {
      const value = node.value(core.env);
      if (!Number.isFinite(value)) throw runtimeError(node.instruction, core, `register value is not a number (division by zero?)`);
      core.regs[node.reg] = value;
      frame.pc += 1;
      break;
    }
    case NodeTag.Jump:
      frame.pc = node.target;
      break;
    case NodeTag.Branch: {
      const value = node.value(core.env);
      if (!Number.isFinite(value)) throw runtimeError(node.instruction, core, `branch condition is not a number (division by zero?)`);
      frame.pc = (value === 0) === node.whenZero ? node.target : frame.pc + 1;
      break;
    }
    case NodeTag.Fence:
      frame.pc += 1;
      fence(core, context, node);
      break;
    case NodeTag.Barrier:
      frame.pc += 1;
      fence(core, context, node);
      core.status = CoreStatus.AtBarrier;
      core.barrierArrival = core.dispatchCycle;
      core.waitingNode = node;
      break;
    case NodeTag.Halt:
      halt(core, context, node);
      break;
  }
}

function countDispatch(core: Core, node: Node, context: RunContext): void {
  core.dispatched += 1;
  if (core.dispatched > context.limits.maxInstructions) {
    throw runtimeError(
      node.instruction,
      core,
      `core ${core.index} dispatched more than ${context.limits.maxInstructions} instructions without halting; the program may loop forever (raise the limit with --max-instructions)`,
    );
  }
  core.dispatchCycle += 1;
  if (core.dispatchCycle > context.limits.maxCycles) throw cycleLimitError(node, core, context);
}

function cycleLimitError(node: { instruction: Node['instruction'] }, core: Core, context: RunContext): UserError {
  return runtimeError(node.instruction, core, `the run passed the cycle limit of ${context.limits.maxCycles} cycles here (raise it with --max-cycles)`);
}

function enqueue(core: Core, op: CompiledOp, context: RunContext): void {
  const queue = core.queues[op.queue];
  if (queue.full) {
    drain(core, context);
    if (queue.full) throw deadlockError(core, context, `the ${QUEUE_NAMES[op.queue]} queue is full (${queue.depth} entries)`);
  }

  // A slot is free again once its previous instruction started; the dispatcher waits for that.
  const slot = queue.enqueued % queue.depth;
  if (queue.enqueued >= queue.depth) core.dispatchCycle = Math.max(core.dispatchCycle, queue.startCycles[slot] + 1);
  op.capture(core, queue.args, slot * MAX_ARGS);
  queue.ops[slot] = op;
  queue.dispatchCycles[slot] = core.dispatchCycle - 1;
  queue.enqueued += 1;

  if (tryStart(core, op.queue, context)) drain(core, context);
}

/** Starts queue heads until none can start. */
function drain(core: Core, context: RunContext): void {
  let progress = true;
  while (progress) {
    progress = false;
    for (let q = 0; q < 4; q++) {
      while (tryStart(core, q, context)) progress = true;
    }
  }
}

/** Starts the head of queue `q` if its tokens are available; returns whether it started. */
function tryStart(core: Core, q: number, context: RunContext): boolean {
  const queue = core.queues[q];
  if (queue.pending === 0) return false;
  const slot = queue.headSlot;
  const op = queue.ops[slot] as CompiledOp;
  const waits = op.waits;
  for (let i = 0; i < waits.length; i++) {
    if (core.tokens[waits[i] * 4 + q].size === 0) return false;
  }

  const base = slot * MAX_ARGS;
  const earliest = Math.max(queue.freeAt, queue.dispatchCycles[slot]);
  let tokenCycle = 0;
  let tokenFrom = -1;
  for (let i = 0; i < waits.length; i++) {
    const cycle = core.tokens[waits[i] * 4 + q].pop();
    if (cycle > tokenCycle) {
      tokenCycle = cycle;
      tokenFrom = waits[i];
    }
  }
  const operandCycle = op.ready(core, queue.args, base);
  const start = Math.max(earliest, tokenCycle, operandCycle);

  const result = context.result;
  result.vectorDestination = -1;
  result.accessCount = 0;
  op.execute(core, queue.args, base, start);
  const grant = result.grantCycle;
  const busyEnd = grant + result.busyCycles;
  const end = busyEnd + result.conflictCycles;
  const completion = end + result.latencyCycles;
  if (completion > context.limits.maxCycles) throw cycleLimitError(op, core, context);
  for (let i = 0; i < result.accessCount; i++) context.hazards.check(core.index, result.accesses[i], q, grant, completion, op.instruction);

  // Waiting for a token sent by a DMA queue counts as waiting for DMA; anything else is a dependency.
  const unit = context.unitBase[core.index] + q;
  if (start > earliest) {
    const dma = tokenCycle >= operandCycle && (tokenFrom === 0 || tokenFrom === 3);
    record(context, unit, earliest, start, dma ? 'dma' : 'dependency');
  }
  if (grant > start) record(context, unit, start, grant, 'bandwidth');
  const counters = context.counters.units[unit];
  counters.busyCycles += result.busyCycles;
  counters.instructions += 1;
  if (result.busyCycles > 0) {
    context.counters.windows?.addInterval(unit, false, grant, busyEnd);
    context.trace?.busy(context.tracks[unit], grant, busyEnd, op.name, { location: op.location });
  }
  if (result.conflictCycles > 0) record(context, unit, busyEnd, end, 'bank-conflict');

  queue.freeAt = end;
  if (start > core.clock) core.clock = start;
  if (completion > queue.lastCompletion) queue.lastCompletion = completion;
  queue.startCycles[slot] = start;
  queue.ops[slot] = undefined;
  queue.started += 1;
  if (result.vectorDestination >= 0) core.vectorReady[result.vectorDestination] = completion;

  const signals = op.signals;
  for (let i = 0; i < signals.length; i++) {
    const channel = core.tokens[q * 4 + signals[i]];
    channel.push(completion);
    if (channel.size > context.limits.maxPendingTokens) {
      throw runtimeError(op.instruction, core, `more than ${context.limits.maxPendingTokens} tokens from ${QUEUE_NAMES[q]} to ${QUEUE_NAMES[signals[i]]} were sent and never taken; check that every 'signal' has a matching 'wait'`);
    }
  }
  return true;
}

/** Adds a stall interval to the unit's counters, windows and trace. */
function record(context: RunContext, unit: number, start: number, end: number, cause: StallCause): void {
  context.counters.units[unit].stallCycles[STALL_INDEX[cause]] += end - start;
  context.counters.windows?.addInterval(unit, true, start, end);
  context.trace?.stall(context.tracks[unit], start, end, cause);
}

/** Waits until every queue of the core has drained and its results are written. */
function fence(core: Core, context: RunContext, node: Node): void {
  drain(core, context);
  if (!core.drained) throw deadlockError(core, context, `'${node.instruction.kind}' waits for the queues to drain`);
  const ready = core.lastCompletion;
  if (ready > core.dispatchCycle) {
    record(context, context.unitBase[core.index] + CONTROL_UNIT, core.dispatchCycle, ready, 'dependency');
    core.dispatchCycle = ready;
  }
}

function halt(core: Core, context: RunContext, node: Node | undefined): void {
  drain(core, context);
  if (!core.drained) throw deadlockError(core, context, node ? `'halt' waits for the queues to drain` : 'the program ended');
  core.status = CoreStatus.Halted;
  core.waitingNode = node;
}

/** Releases the cores waiting at a barrier once every core has arrived; returns whether it did. */
function releaseBarrier(cores: Core[], context: RunContext): boolean {
  const waiting = cores.filter((core) => core.status === CoreStatus.AtBarrier);
  if (waiting.length === 0) return false;
  if (cores.some((core) => core.status === CoreStatus.Running)) return false;

  const halted = cores.find((core) => core.status === CoreStatus.Halted);
  if (halted) {
    const node = waiting[0].waitingNode as Node;
    throw runtimeError(node.instruction, waiting[0], `barrier can never complete: core ${halted.index} halted without reaching it`);
  }
  const release = Math.max(...waiting.map((core) => core.barrierArrival));
  for (const core of waiting) {
    if (release > core.barrierArrival) record(context, context.unitBase[core.index] + CONTROL_UNIT, core.barrierArrival, release, 'barrier');
    core.dispatchCycle = release;
    core.status = CoreStatus.Running;
    core.waitingNode = undefined;
  }
  return true;
}

/** Describes the instruction at the head of each blocked queue, and which tokens it lacks. */
function deadlockError(core: Core, context: RunContext, reason: string): UserError {
  const diagnostics: Diagnostic[] = [];
  for (let q = 0; q < 4; q++) {
    const queue = core.queues[q];
    if (queue.pending === 0) continue;
    const op = queue.ops[queue.headSlot] as CompiledOp;
    const missing = op.waits.filter((w) => core.tokens[w * 4 + q].size === 0).map((w) => QUEUE_NAMES[w]);
    diagnostics.push({
      severity: 'error',
      message: `deadlock on core ${core.index}: ${reason}, but this ${op.name} at the head of the ${QUEUE_NAMES[q]} queue waits for a token from ${missing.join(' and ')} that no dispatched instruction will send`,
      span: op.instruction.span,
    });
  }
  void context;
  return new UserError(diagnostics.length > 0 ? '' : `deadlock on core ${core.index}: ${reason}`, 2, diagnostics);
}

