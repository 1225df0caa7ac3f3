// Simulation suite, part B: random fault scenarios checked against every guarantee after every step.

import { describeMixes, MIXES_B } from './mixes';

describeMixes('B', MIXES_B);
