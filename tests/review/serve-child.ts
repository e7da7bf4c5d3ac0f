// The form server as its own process, for the kill -9 test: `node --import tsx serve-child.ts DB`.
import { serveReview } from "../../src/review/serve.ts";

await serveReview({
  db: process.argv[2],
  host: "127.0.0.1",
  port: 0,
  queues: [],
  out: (line) => console.log(line),
  warn: (line) => console.error(line),
});
