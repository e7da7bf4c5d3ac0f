// The random secrets of human review (sign-in tokens, session ids, CSRF tokens) and the one
// way they are hashed for storage.
import { createHash, randomBytes } from "node:crypto";

/** 32 bytes (256 bits) from the OS CSPRNG, base64url: well above the 128-bit floor. */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** Hex sha256 of a secret: what the store keeps instead of it. */
export function secretHash(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}
