#!/usr/bin/env node
// Entry point of the installed command; `npm install` compiles the TypeScript sources into dist/.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
