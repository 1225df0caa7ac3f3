// Process entry of the `chatterbox` bin: runs main and exits with its code.

import { main } from './main';

const code = await main(process.argv.slice(2));
process.exitCode = code;
