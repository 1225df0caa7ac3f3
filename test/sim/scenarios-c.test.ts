// Simulation suite, part C: random fault scenarios checked against every guarantee after every step.

import { describeMixes, MIXES_C } from './mixes';

describeMixes('C', MIXES_C);
