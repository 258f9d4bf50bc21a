import { describe, expect, it } from 'vitest';
import { UserError } from '../../common/errors.js';
import { loadArch } from '../../sim/arch/index.js';
import { DEFAULT_MACHINE_FILE, NUMERIC_CONFIGS, runInference } from '../../workloads/fashion-mnist/inference.js';

const PIXELS = 784;
const pixels = new Uint8Array(2 * PIXELS);

/** Returns the message of the UserError that `action` throws. */
function userErrorMessage(action: () => void): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('inference buffer limits', () => {
  it('weights too large for any batch', () => {
    // igpu-ddr5 has 131072 scratchpad elements; W1 and W2 alone take 784 × 256 + 256 × 10 = 203264.
    const message = userErrorMessage(() => runInference(pixels, 2, NUMERIC_CONFIGS[4], { arch: loadArch('igpu-ddr5'), batchSize: 1 }));

    expect(message).toContain("the MLP's weights alone need 203264 elements, whatever the batch size");
    // One image adds its 784 inputs and 256 hidden activations.
    expect(message).toContain('use a machine whose scratchpad holds at least 204304 elements');
    expect(message).not.toContain('--batch');
  });

  it('batch too large for the machine', () => {
    // In fp32 the default machine's 4 MiB scratchpad holds 1048576 elements, and a batch of 900
    // needs 203264 + 900 × (784 + 256) = 1139264.
    const images = 900;
    const message = userErrorMessage(() => runInference(new Uint8Array(images * PIXELS), images, NUMERIC_CONFIGS[0], { arch: loadArch(DEFAULT_MACHINE_FILE), batchSize: images }));

    expect(message).toContain('room for 1048576 elements in its scratchpad');
    expect(message).toContain('a batch of 900 images need 1139264');
    expect(message).toContain('use a smaller --batch');
  });
});
