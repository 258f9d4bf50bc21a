#!/usr/bin/env node
// Entry point of the installed command; `npm install` compiles the TypeScript sources into dist/.
import { main } from '../dist/cli/main.js';

// A closed pipe (`lmulsim ... | head`) is a normal way to stop reading output, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
