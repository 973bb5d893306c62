// Reads what the mirror wrote with Google's official Node client, through FIRESTORE_EMULATOR_HOST.
// Usage: node read.js HOST:PORT PROJECT ENVIRONMENT   — prints {"symbols": {...}, "health": {...}, ...} as JSON.
'use strict';
const [host, project, environment] = process.argv.slice(2);
process.env.FIRESTORE_EMULATOR_HOST = host;
const { Firestore } = require('@google-cloud/firestore');

(async () => {
  const db = new Firestore({ projectId: project });
  const out = {};
  for (const collection of ['symbols', 'health', 'router_metrics', 'toggles']) {
    const snapshot = await db.collection(`fillwise/${environment}/${collection}`).get();
    out[collection] = {};
    for (const doc of snapshot.docs) {
      const data = doc.data();
      for (const key of ['updated', 'replay_time']) {
        if (data[key] && typeof data[key].toDate === 'function') data[key] = { seconds: Number(data[key].seconds), nanos: data[key].nanoseconds };
      }
      out[collection][doc.id] = data;
    }
  }
  console.log(JSON.stringify(out));
  await db.terminate();
})().catch((error) => { console.error(error.message); process.exit(1); });
