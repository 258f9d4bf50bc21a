import { describe, expect, it } from 'vitest';
import { UserError } from '../../common/errors.js';
import { loadCostModel } from '../../costmodels/index.js';
import { runCli } from '../helpers.js';

/** Returns the message of the UserError that loading `node` throws. */
function unknownNodeMessage(node: string): string {
  try {
    loadCostModel(node);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error(`expected loadCostModel('${node}') to throw`);
}

describe('unknown technology node', () => {
  it.each([
    ['45mn', '45nm'],
    ['45', '45nm'],
    ['7mn', '7nm'],
    ['7NM', '7nm'],
    ['45nn', '45nm'],
  ])('%s suggests %s', (node, expected) => {
    expect(unknownNodeMessage(node)).toContain(`did you mean '${expected}'?`);
  });

  it('gives no suggestion for an unrelated name', () => {
    expect(unknownNodeMessage('tsmc')).not.toContain('did you mean');
  });

  it('compare prints the suggestion', async () => {
    const result = await runCli(['compare', 'test/cli/fixtures/square.lasm', '--node', '45mn']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown technology node '45mn'");
    expect(result.stderr).toContain("did you mean '45nm'?");
  });
});
