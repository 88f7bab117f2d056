#!/usr/bin/env node
// The `publius` command. Node 24 runs the TypeScript sources directly.
import { main } from "../src/cli/main.ts";

main(process.argv.slice(2));
