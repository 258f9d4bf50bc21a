import { E4M3FNUZ, E5M2FNUZ } from '../../sim/numerics/index.js';
import { describeExhaustive } from './exhaustive.js';

describeExhaustive(E4M3FNUZ);
describeExhaustive(E5M2FNUZ);
