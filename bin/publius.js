#!/usr/bin/env node
// The `publius` command. Node 24 runs the TypeScript sources directly; this file is plain
// JavaScript that any Node.js can read, so an older one hears what to install instead of
// ERR_UNKNOWN_FILE_EXTENSION ".ts" (the sources are loaded only after the check).
const REQUIRED = 24;
const major = Number(process.versions.node.split(".")[0]);
if (!(major >= REQUIRED)) {
  process.stderr.write(
    `Publius needs Node.js ${REQUIRED} or later; this is Node.js ${process.versions.node}. ` +
      `Install it with your system's package manager (for example NodeSource's nodejs ${REQUIRED}.x), ` +
      `\`nvm install ${REQUIRED}\`, or from https://nodejs.org/en/download, then run this again.\n`,
  );
  process.exit(2);
}
const { main } = await import("../src/cli/main.ts");
main(process.argv.slice(2));
