// Simulation suite, part A: random fault scenarios checked against every guarantee after every step.

import { describeMixes, MIXES_A } from './mixes';

describeMixes('A', MIXES_A);
