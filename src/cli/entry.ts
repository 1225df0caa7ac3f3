// Process entry of the `chatterbox` bin: runs main, and exits with its code (at once for the
// commands whose connections are left to the exit, see exitsWhenDone).

import { exitsWhenDone, main } from './main';

const argv = process.argv.slice(2);
const code = await main(argv);
if (exitsWhenDone(argv)) process.exit(code);
else process.exitCode = code;
