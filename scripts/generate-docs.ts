// Writes the documents that are generated from code.
import { writeFileSync } from "node:fs";
import { dataInventoryMarkdown } from "../src/present/docs/data-inventory.ts";

writeFileSync(new URL("../docs/data-inventory.md", import.meta.url), dataInventoryMarkdown());
console.log("wrote docs/data-inventory.md");
