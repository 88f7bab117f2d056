// The warrant canary's signed statements (issue 6).
import type { Generated } from "kysely";

export interface WarrantCanariesTable {
  id: Generated<number>;
  issued_day: string;
  next_renewal_day: string;
  /** The canonical JSON that was signed, byte for byte. */
  statement: string;
  /** Base64 Ed25519 signature over `statement`. */
  signature: string;
  key_fingerprint: string;
}
