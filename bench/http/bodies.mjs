// Writes request bodies for bench/http/segment.sh: COUNT files of BATCH product views each, in the
// engine's native format (a JSON array for /v1/events) or the Segment format ({"batch": [...]}
// for /v1/batch, as @segment/analytics-node sends it), plain or gzip-compressed. The same
// customers, properties and timestamps in every format, so the formats differ only in envelope.
//   node bench/http/bodies.mjs DIR FORMAT(native|segment) GZIP(0|1) COUNT BATCH CUSTOMERS RUN
import { mkdirSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const [dir, format, gzip, count, batch, customers, run] = process.argv.slice(2);
mkdirSync(dir, { recursive: true });
const now = new Date().toISOString();
let seq = 0;

function nativeEvent(customer) {
  return { eventId: `${run}-${seq}`, customerId: customer, type: "product_view", channel: "web", timestamp: now, properties: { sku: `sku-${String(seq % 5000).padStart(4, "0")}` } };
}

function segmentMessage(customer) {
  return {
    type: "track", event: "Product Viewed", userId: customer, messageId: `${run}-${seq}`, timestamp: now,
    properties: { sku: `sku-${String(seq % 5000).padStart(4, "0")}` },
    context: { library: { name: "@segment/analytics-node", version: "3.1.0" } },
    integrations: {}, _metadata: { jsRuntime: "node" },
  };
}

for (let n = 0; n < Number(count); n++) {
  const events = [];
  for (let i = 0; i < Number(batch); i++, seq++) {
    const customer = `cust-${String(Math.floor(Math.random() * Number(customers))).padStart(6, "0")}`;
    events.push(format === "segment" ? segmentMessage(customer) : nativeEvent(customer));
  }
  const json = format === "segment" ? JSON.stringify({ batch: events, sentAt: now }) : JSON.stringify(events);
  writeFileSync(`${dir}/${n}.body`, gzip === "1" ? gzipSync(json) : json);
}
