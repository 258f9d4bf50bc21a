/**
 * The dispatcher and the per-unit timelines. Each core's control unit walks the program in order,
 * one instruction per cycle, and appends queue instructions to the load, compute, vector or store
 * queue. Each queue starts its instructions in order, as soon as its unit is free and the dependency
 * tokens it waits for have been sent. A queue's timeline is a single `freeAt` cycle, so simulation
 * time grows with the number of instructions, not with the work they describe.
 *
 * The simulation processes a queue's head as soon as its tokens exist, and computes its start cycle
 * from the cycles carried by those tokens. A `load` or `store` moves its values then, but keeps its
 * port request, and with it its timing and tokens, until no other queue of any core can still
 * request a shared off-chip port earlier (see `mayGrant`). So the ports serve requests first come,
 * first served by request cycle, whatever the processing order.
 */
import { UserError } from '../../common/errors.js';
import type { Diagnostic } from '../../common/diagnostic.js';
import type { StallCause } from '../trace/types.js';
import type { RunContext } from './context.js';
import { STALL_INDEX } from './counters.js';
import type { TileAccess } from './hazards.js';
import { CLOCK_WIDTH, CONTROL_UNIT, CoreStatus, MAX_ARGS, QUEUE_INDEX, QUEUE_NAMES } from './machine.js';
import { preloadOverlaps } from './matrix-ops.js';
import { NodeTag, runtimeError, type CompiledOp, type Core, type Node } from './ops.js';
import { Channel, takeReservation } from './timing.js';

/**
 * Instructions a core dispatches before the scheduler picks a core again. Several cores take turns
 * in small batches, always the core that is furthest behind in simulated time, so that port requests
 * rarely wait for another core to catch up.
 */
const SINGLE_CORE_BATCH = 4096;
const MULTI_CORE_BATCH = 4;

/** The queues whose `load` and `store` instructions use the shared off-chip ports. */
const PORT_QUEUES: readonly number[] = [QUEUE_INDEX.load, QUEUE_INDEX.store];

/** Action a blocked core retries: a queue instruction that found its queue full, or a fence, barrier or halt. */
type BlockedAction = { readonly kind: 'enqueue'; readonly op: CompiledOp } | { readonly kind: 'fence' | 'barrier' | 'halt'; readonly node: Node | undefined };

/**
 * Port arbitration state of one run. A waiting request is a `load` or `store` at the head of its
 * queue that has run, so its start cycle is fixed, but whose port has not been granted yet. Arrays
 * are indexed `core * 4 + queue`.
 */
class Arbitration {
  /** Start cycle of each waiting request. */
  readonly requestStart: Float64Array;
  /** Flag per index, 1 while a request waits. */
  readonly pending: Uint8Array;
  /** Timing of each queue head, reused from one instruction to the next. */
  readonly requests: (PortRequest | undefined)[];
  pendingCount = 0;
  /** Waiting request that `grantEarliestRequest` lets start now, or -1. */
  granted = -1;
  /** Action each blocked core (status Fencing) retries. */
  readonly blocked: (BlockedAction | undefined)[];

  constructor(readonly cores: readonly Core[]) {
    const size = cores.length * 4;
    this.requestStart = new Float64Array(size);
    this.pending = new Uint8Array(size);
    this.requests = new Array<PortRequest | undefined>(size).fill(undefined);
    this.blocked = new Array<BlockedAction | undefined>(cores.length).fill(undefined);
  }
}

const arbitrations = new WeakMap<RunContext, Arbitration>();

function arbitrationOf(context: RunContext): Arbitration {
  return arbitrations.get(context) as Arbitration;
}

/** Runs every core until all have halted and drained; returns the cycle count. */
export function runCores(cores: Core[], body: readonly Node[], context: RunContext): number {
  for (const core of cores) core.frames.push({ nodes: body, pc: 0, depth: -1, count: 1 });
  const batch = cores.length === 1 ? SINGLE_CORE_BATCH : MULTI_CORE_BATCH;
  const arbitration = new Arbitration(cores);
  arbitrations.set(context, arbitration);

  for (;;) {
    if (grantEarliestRequest(arbitration, context, false)) continue;

    let chosen: Core | undefined;
    for (const core of cores) {
      if (core.status === CoreStatus.Running && (chosen === undefined || core.clock < chosen.clock)) chosen = core;
    }
    if (chosen) {
      for (let i = 0; i < batch && chosen.status === CoreStatus.Running; i++) step(chosen, context);
      continue;
    }
    if (releaseBarrier(cores, context)) continue;
    if (arbitration.pendingCount === 0 && cores.every((core) => core.status === CoreStatus.Halted)) break;
    if (grantEarliestRequest(arbitration, context, true)) continue;
    // Nothing can run and no request waits: a blocked core's retry now reports its deadlock.
    const stuck = cores.find((core) => core.status === CoreStatus.Fencing);
    if (stuck) {
      retryBlocked(stuck, context);
      continue;
    }
    throw new Error('scheduler made no progress without reporting a deadlock');
  }

  let cycles = 0;
  for (const core of cores) {
    cycles = Math.max(cycles, core.lastCompletion, core.dispatchCycle);
    context.counters.units[context.unitBase[core.index] + CONTROL_UNIT].instructions = core.dispatched;
  }
  return cycles;
}

/**
 * Grants the waiting request with the smallest (start cycle, core, dispatch cycle) if `mayGrant`
 * allows it, or unconditionally with `force`, which the scheduler uses when no core can run. That
 * keeps first-come-first-served order: every request still to come then depends on a waiting one
 * through tokens, a full queue, a fence or a barrier, so it cannot start earlier. Only the earliest
 * waiting request can ever be granted, so the others are not checked. Returns whether it granted one.
 */
function grantEarliestRequest(arbitration: Arbitration, context: RunContext, force: boolean): boolean {
  if (arbitration.pendingCount === 0) return false;
  let best = -1;
  for (let index = 0; index < arbitration.pending.length; index++) {
    if (!arbitration.pending[index]) continue;
    if (best < 0 || requestPrecedes(arbitration, index, best)) best = index;
  }
  const core = arbitration.cores[best >> 2];
  if (!force && !mayGrant(arbitration, core, best & 3, arbitration.requestStart[best])) return false;

  arbitration.granted = best;
  tryStart(core, best & 3, context);
  arbitration.granted = -1;
  drain(core, context);
  // The core's queues moved, so whatever blocked it may pass now.
  if (core.status === CoreStatus.Fencing) retryBlocked(core, context);
  return true;
}

/** True when request `index` comes before request `other` in arbitration order. */
function requestPrecedes(arbitration: Arbitration, index: number, other: number): boolean {
  const start = arbitration.requestStart[index];
  const otherStart = arbitration.requestStart[other];
  if (start !== otherStart) return start < otherStart;
  if (index >> 2 !== other >> 2) return index >> 2 < other >> 2;
  return headDispatchCycle(arbitration.cores[index >> 2], index & 3) < headDispatchCycle(arbitration.cores[other >> 2], other & 3);
}

function headDispatchCycle(core: Core, q: number): number {
  const queue = core.queues[q];
  return queue.dispatchCycles[queue.headSlot];
}

/**
 * Decides whether the request of `core`'s queue `q`, starting at `start`, may take its port now. It
 * may unless another port queue of any core can still request a port earlier, or at the same cycle
 * from a lower core index or from the same core earlier in program order.
 */
function mayGrant(arbitration: Arbitration, core: Core, q: number, start: number): boolean {
  const dispatch = headDispatchCycle(core, q);
  for (const other of arbitration.cores) {
    for (const otherQueue of PORT_QUEUES) {
      if (other === core && otherQueue === q) continue;
      const bound = nextRequestBound(arbitration, other, otherQueue);
      if (bound > start) continue;
      if (bound < start) return false;
      if (other.index < core.index) return false;
      if (other.index === core.index && nextDispatchBound(arbitration, other, otherQueue) < dispatch) return false;
    }
  }
  return true;
}

/** Lower bound on the start cycle of the next request from `core`'s queue `q`. */
function nextRequestBound(arbitration: Arbitration, core: Core, q: number): number {
  const index = core.index * 4 + q;
  if (arbitration.pending[index]) return arbitration.requestStart[index];
  const queue = core.queues[q];
  if (queue.pending > 0) return Math.max(queue.freeAt, queue.dispatchCycles[queue.headSlot]);
  return Math.max(queue.freeAt, futureDispatchCycle(arbitration, core));
}

/** Lower bound on the dispatch cycle of the next request from `core`'s queue `q`, for ties. */
function nextDispatchBound(arbitration: Arbitration, core: Core, q: number): number {
  const queue = core.queues[q];
  if (queue.pending > 0) return queue.dispatchCycles[queue.headSlot];
  return futureDispatchCycle(arbitration, core);
}

/** Lower bound on the dispatch cycle of `core`'s next instruction; Infinity once it can dispatch no more. */
function futureDispatchCycle(arbitration: Arbitration, core: Core): number {
  if (core.status === CoreStatus.Halted) return Infinity;
  if (core.status === CoreStatus.Fencing && arbitration.blocked[core.index]?.kind === 'halt') return Infinity;
  return core.dispatchCycle;
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
      barrier(core, context, node);
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

/**
 * Marks `core` blocked on `action` when a port request waits anywhere, because granting it may unblock
 * the core; otherwise throws the deadlock error. Returns false so that callers can return it.
 */
function block(core: Core, context: RunContext, action: BlockedAction, reason: string): false {
  const arbitration = arbitrationOf(context);
  if (arbitration.pendingCount === 0) throw deadlockError(core, context, reason);
  core.status = CoreStatus.Fencing;
  arbitration.blocked[core.index] = action;
  return false;
}

/** Retries what a blocked core waits for, after draining its queues; on success the core runs again. */
function retryBlocked(core: Core, context: RunContext): void {
  const arbitration = arbitrationOf(context);
  const action = arbitration.blocked[core.index] as BlockedAction;
  arbitration.blocked[core.index] = undefined;
  core.status = CoreStatus.Running;
  if (action.kind === 'enqueue') enqueue(core, action.op, context);
  else if (action.kind === 'fence') fence(core, context, action.node as Node);
  else if (action.kind === 'barrier') barrier(core, context, action.node as Node);
  else halt(core, context, action.node);
}

function enqueue(core: Core, op: CompiledOp, context: RunContext): void {
  const queue = core.queues[op.queue];
  if (queue.full) {
    drain(core, context);
    if (queue.full) {
      block(core, context, { kind: 'enqueue', op }, `the ${QUEUE_NAMES[op.queue]} queue is full (${queue.depth} entries)`);
      return;
    }
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

/**
 * Starts the head of queue `q` if its tokens are available; returns whether it started. A `load` or
 * `store` runs at once, so its values land in processing order as before, but its timing waits until
 * its port request may be granted (`mayGrant`). Until then it stays at the head of its queue.
 */
function tryStart(core: Core, q: number, context: RunContext): boolean {
  const queue = core.queues[q];
  if (queue.pending === 0) return false;
  const slot = queue.headSlot;
  const op = queue.ops[slot] as CompiledOp;
  const arbitration = arbitrationOf(context);
  const index = core.index * 4 + q;
  const result = context.result;

  if (arbitration.pending[index]) {
    if (arbitration.granted !== index) return false;
    arbitration.pending[index] = 0;
    arbitration.pendingCount -= 1;
    const request = arbitration.requests[index] as PortRequest;
    request.grant = Math.ceil(request.channel.commit(request.start, request.bytes));
    finishStart(core, q, op, request, request.accesses, request.accesses.length, context);
    return true;
  }

  const waits = op.waits;
  for (let i = 0; i < waits.length; i++) {
    if (core.tokens[waits[i] * 4 + q].size < tokensNeeded(waits, i)) return false;
  }
  const base = slot * MAX_ARGS;
  const request = arbitration.requests[index] ?? newPortRequest();
  arbitration.requests[index] = request;
  request.earliest = Math.max(unitReadyCycle(queue, op, context), queue.dispatchCycles[slot]);
  request.tokenCycle = 0;
  request.tokenFrom = -1;
  for (let i = 0; i < waits.length; i++) {
    const cycle = core.tokens[waits[i] * 4 + q].pop(core.clocks, q * CLOCK_WIDTH);
    if (cycle > request.tokenCycle) {
      request.tokenCycle = cycle;
      request.tokenFrom = waits[i];
    }
  }
  request.operandCycle = op.ready(core, queue.args, base);
  request.start = Math.max(request.earliest, request.tokenCycle, request.operandCycle);

  result.vectorDestination = -1;
  result.accessCount = 0;
  op.execute(core, queue.args, base, request.start);
  request.grant = result.grantCycle;
  request.busyCycles = result.busyCycles;
  request.conflictCycles = result.conflictCycles;
  request.latencyCycles = result.latencyCycles;
  request.vectorDestination = result.vectorDestination;

  const reservation = takeReservation();
  if (!reservation) {
    finishStart(core, q, op, request, result.accesses, result.accessCount, context);
    return true;
  }
  request.channel = reservation.channel;
  request.bytes = reservation.bytes;
  request.accesses = result.accesses.slice(0, result.accessCount).map((access) => ({ ...access }));
  if (mayGrant(arbitration, core, q, request.start)) {
    request.grant = Math.ceil(request.channel.commit(request.start, request.bytes));
    finishStart(core, q, op, request, request.accesses, request.accesses.length, context);
    return true;
  }
  arbitration.pending[index] = 1;
  arbitration.pendingCount += 1;
  arbitration.requestStart[index] = request.start;
  return false;
}

/** Timing of a queue head between its execution and the end of its bookkeeping. */
interface PortRequest {
  start: number;
  earliest: number;
  tokenCycle: number;
  tokenFrom: number;
  operandCycle: number;
  grant: number;
  busyCycles: number;
  conflictCycles: number;
  latencyCycles: number;
  vectorDestination: number;
  /** Port and bytes of a `load` or `store`, committed when the request is granted. */
  channel: Channel;
  bytes: number;
  accesses: TileAccess[];
}

const NO_CHANNEL = new Channel('none', 'none', 1);

function newPortRequest(): PortRequest {
  return { start: 0, earliest: 0, tokenCycle: 0, tokenFrom: -1, operandCycle: 0, grant: 0, busyCycles: 0, conflictCycles: 0, latencyCycles: 0, vectorDestination: -1, channel: NO_CHANNEL, bytes: 0, accesses: [] };
}

/** Records a started head's stalls, busy time, hazards and completion, and sends its tokens. */
function finishStart(core: Core, q: number, op: CompiledOp, request: PortRequest, accesses: readonly TileAccess[], accessCount: number, context: RunContext): void {
  const queue = core.queues[q];
  const slot = queue.headSlot;
  const { start, earliest, tokenCycle, tokenFrom, operandCycle, grant, busyCycles, conflictCycles } = request;
  const busyEnd = grant + busyCycles;
  const end = busyEnd + conflictCycles;
  const completion = end + request.latencyCycles;
  if (completion > context.limits.maxCycles) throw cycleLimitError(op, core, context);
  // The queue's own entry of its clock numbers its instructions. The dispatch cycle grows with
  // every instruction a core dispatches, so it orders accesses as the program does.
  core.clocks[q * CLOCK_WIDTH + q] += 1;
  const order = queue.dispatchCycles[slot];
  for (let i = 0; i < accessCount; i++) context.hazards.check(core.index, accesses[i], q, grant, op.instruction, order, core.clocks, q * CLOCK_WIDTH);

  // Waiting for a token sent by a DMA queue counts as waiting for DMA; anything else is a dependency.
  const unit = context.unitBase[core.index] + q;
  if (start > earliest) {
    const dma = tokenCycle >= operandCycle && (tokenFrom === 0 || tokenFrom === 3);
    record(context, unit, earliest, start, dma ? 'dma' : 'dependency');
  }
  if (grant > start) record(context, unit, start, grant, 'bandwidth');
  const counters = context.counters.units[unit];
  counters.busyCycles += busyCycles;
  counters.instructions += 1;
  if (busyCycles > 0) {
    context.counters.windows?.addInterval(unit, false, grant, busyEnd);
    context.trace?.busy(context.tracks[unit], grant, busyEnd, op.name, { location: op.location });
  }
  if (conflictCycles > 0) record(context, unit, busyEnd, end, 'bank-conflict');

  if (end > queue.freeAt) queue.freeAt = end;
  if (start > core.clock) core.clock = start;
  if (completion > queue.lastCompletion) queue.lastCompletion = completion;
  queue.startCycles[slot] = start;
  queue.ops[slot] = undefined;
  queue.started += 1;
  if (request.vectorDestination >= 0) core.vectorReady[request.vectorDestination] = completion;

  const signals = op.signals;
  for (let i = 0; i < signals.length; i++) {
    const channel = core.tokens[q * 4 + signals[i]];
    channel.push(completion, core.clocks, q * CLOCK_WIDTH);
    if (channel.size > context.limits.maxPendingTokens) {
      throw runtimeError(op.instruction, core, `more than ${context.limits.maxPendingTokens} tokens from ${QUEUE_NAMES[q]} to ${QUEUE_NAMES[signals[i]]} were sent and never taken; check that every 'signal' has a matching 'wait'`);
    }
  }
}

/**
 * Returns the earliest cycle at which the queue's unit can start `op`: when the unit is free. A
 * preload into a double-buffered array only needs the previous instruction of its queue to have
 * started, because it shifts into the shadow registers while the previous matmul runs.
 */
function unitReadyCycle(queue: Core['queues'][number], op: CompiledOp, context: RunContext): number {
  if (op.instruction.kind !== 'preload' || !preloadOverlaps(context) || queue.started === 0) return queue.freeAt;
  return queue.startCycles[(queue.started - 1) % queue.depth];
}

/** Adds a stall interval to the unit's counters, windows and trace. */
function record(context: RunContext, unit: number, start: number, end: number, cause: StallCause): void {
  context.counters.units[unit].stallCycles[STALL_INDEX[cause]] += end - start;
  context.counters.windows?.addInterval(unit, true, start, end);
  context.trace?.stall(context.tracks[unit], start, end, cause);
}

/** Waits until every queue of the core has drained and its results are written; returns false while blocked. */
function fence(core: Core, context: RunContext, node: Node, action: BlockedAction = { kind: 'fence', node }): boolean {
  drain(core, context);
  if (!core.drained) return block(core, context, action, `'${node.instruction.kind}' waits for the queues to drain`);
  joinClocks(core);
  const ready = core.lastCompletion;
  if (ready > core.dispatchCycle) {
    record(context, context.unitBase[core.index] + CONTROL_UNIT, core.dispatchCycle, ready, 'dependency');
    core.dispatchCycle = ready;
  }
  return true;
}

/** Runs a fence, then makes the core wait at the barrier for the other cores. */
/** Orders everything that every queue has run before what any queue runs next, as a drained fence does. */
function joinClocks(core: Core): void {
  const clocks = core.clocks;
  for (let r = 0; r < CLOCK_WIDTH; r++) {
    let latest = 0;
    for (let q = 0; q < 4; q++) latest = Math.max(latest, clocks[q * CLOCK_WIDTH + r]);
    for (let q = 0; q < 4; q++) clocks[q * CLOCK_WIDTH + r] = latest;
  }
}

function barrier(core: Core, context: RunContext, node: Node): void {
  if (!fence(core, context, node, { kind: 'barrier', node })) return;
  core.status = CoreStatus.AtBarrier;
  core.barrierArrival = core.dispatchCycle;
  core.waitingNode = node;
}

function halt(core: Core, context: RunContext, node: Node | undefined): void {
  drain(core, context);
  if (!core.drained) {
    block(core, context, { kind: 'halt', node }, node ? `'halt' waits for the queues to drain` : 'the program ended');
    return;
  }
  core.status = CoreStatus.Halted;
  core.waitingNode = node;
}

/** Releases the cores waiting at a barrier once every core has arrived; returns whether it did. */
function releaseBarrier(cores: Core[], context: RunContext): boolean {
  const waiting = cores.filter((core) => core.status === CoreStatus.AtBarrier);
  if (waiting.length === 0) return false;
  if (cores.some((core) => core.status === CoreStatus.Running || core.status === CoreStatus.Fencing)) return false;

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

/**
 * Returns how many tokens from queue `waits[i]` an instruction needs before it can take the one of
 * its i-th wait: `wait=load wait=load` takes two tokens from the load queue.
 */
function tokensNeeded(waits: readonly number[], i: number): number {
  let needed = 1;
  for (let j = 0; j < i; j++) if (waits[j] === waits[i]) needed++;
  return needed;
}

interface BlockedHead {
  readonly queue: number;
  readonly op: CompiledOp;
  /** Queues that have sent fewer tokens than the op waits for. */
  readonly missing: number[];
}

/**
 * Returns the tokens that `head` lacks, after "waits for". A queue it takes one token from reads
 * "a token from load". A queue it takes several from gives the count it needs and the count that
 * has arrived: "2 tokens from load, 1 of which is there". `simple` is true when every phrase is of
 * the first kind.
 */
function missingTokens(core: Core, head: BlockedHead): { text: string; simple: boolean; absent: number } {
  let simple = true;
  let absent = 0;
  const phrases = head.missing.map((w) => {
    const needed = head.op.waits.filter((wait) => wait === w).length;
    const present = core.tokens[w * 4 + head.queue].size;
    absent += needed - present;
    if (needed === 1) return `a token from ${QUEUE_NAMES[w]}`;
    simple = false;
    if (present === 0) return `${needed} tokens from ${QUEUE_NAMES[w]}, none of which is there`;
    return `${needed} tokens from ${QUEUE_NAMES[w]}, ${present} of which ${present === 1 ? 'is' : 'are'} there`;
  });
  if (simple) return { text: `a token from ${head.missing.map((w) => QUEUE_NAMES[w]).join(' and ')}`, simple, absent };
  return { text: phrases.join(', and '), simple, absent };
}

/**
 * Describes one deadlock: an error at the instruction at the head of one blocked queue, and a note
 * for the head of each other blocked queue, with the tokens each one lacks. The error goes to a
 * head that waits for a queue with nothing left to run, because that queue can never send the token.
 * When every head waits for another blocked queue, the heads wait in a cycle, and the first blocked
 * queue gets the error.
 */
function deadlockError(core: Core, context: RunContext, reason: string): UserError {
  const heads: BlockedHead[] = [];
  for (let q = 0; q < 4; q++) {
    const queue = core.queues[q];
    if (queue.pending === 0) continue;
    const op = queue.ops[queue.headSlot] as CompiledOp;
    const missing = [...new Set(op.waits.filter((w, i) => core.tokens[w * 4 + q].size < tokensNeeded(op.waits, i)))];
    heads.push({ queue: q, op, missing });
  }
  void context;
  if (heads.length === 0) return new UserError(`deadlock on core ${core.index}: ${reason}`, 2);

  const idle = heads.findIndex((head) => head.missing.some((w) => core.queues[w].pending === 0));
  const first = heads[Math.max(0, idle)];
  const lacking = missingTokens(core, first);
  const unsent = lacking.simple
    ? `${lacking.text} that no dispatched instruction will send`
    : `${lacking.text}, and no dispatched instruction will send the ${lacking.absent === 1 ? 'missing one' : `${lacking.absent} missing ones`}`;
  const diagnostics: Diagnostic[] = [
    {
      severity: 'error',
      message: `deadlock on core ${core.index}: ${reason}, but this ${first.op.name} at the head of the ${QUEUE_NAMES[first.queue]} queue waits for ${unsent}`,
      span: first.op.instruction.span,
    },
  ];
  for (const head of heads) {
    if (head === first) continue;
    diagnostics.push({
      severity: 'note',
      message: `in the same deadlock, the ${QUEUE_NAMES[head.queue]} queue is blocked too: this ${head.op.name} at its head waits for ${missingTokens(core, head).text}`,
      span: head.op.instruction.span,
    });
  }
  return new UserError('', 2, diagnostics);
}

