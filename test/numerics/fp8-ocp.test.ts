import { E4M3, E5M2 } from '../../sim/numerics/index.js';
import { describeExhaustive } from './exhaustive.js';

describeExhaustive(E4M3);
describeExhaustive(E5M2);
