// What the seeder needs from a database: a fast bulk path. One implementation per dialect.
import type { Progress } from "./progress.ts";
import type { RowFill, TableSpec } from "./rows.ts";

export interface BulkLoader {
  /** Prepares for a bulk load: secondary indexes and search triggers of these tables are set aside. */
  begin(tables: readonly string[]): Promise<void>;
  /** Inserts rows 0..count-1 of a table, in order. */
  insert(spec: TableSpec, count: number, fill: RowFill, progress: Progress): Promise<void>;
  /** Rebuilds what begin() set aside and restores the normal settings. */
  end(progress: Progress): Promise<void>;
}
