// argon2id. Cost parameters come from the context so tests can use cheap ones; production uses the
// OWASP-recommended minimum (19 MiB, 2 passes).
import { type Algorithm, hash, verify } from "@node-rs/argon2";

// Algorithm is an ambient const enum, which erasable TypeScript cannot read: 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

export interface PasswordCost {
  memoryCost: number;
  timeCost: number;
}

export const PRODUCTION_COST: PasswordCost = { memoryCost: 19456, timeCost: 2 };
export const TEST_COST: PasswordCost = { memoryCost: 1024, timeCost: 1 };

export class PasswordHasher {
  readonly #cost: PasswordCost;
  constructor(cost: PasswordCost = PRODUCTION_COST) {
    this.#cost = cost;
  }
  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID, ...this.#cost, parallelism: 1 });
  }
  async verify(hashed: string, password: string): Promise<boolean> {
    try {
      return await verify(hashed, password);
    } catch {
      return false;
    }
  }
}
