// An in-memory Firestore gRPC server (@firestore-emulator/server) bound to loopback only.
// Usage: node emulator.js PORT   — prints "listening PORT" once it accepts calls.
'use strict';
const { FirestoreServer } = require('@firestore-emulator/server');
const { ServerCredentials } = require('@grpc/grpc-js');

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node emulator.js PORT');
  process.exit(2);
}
const emulator = new FirestoreServer();
// The package's own start() binds 0.0.0.0; bind its gRPC server to 127.0.0.1 instead.
emulator.server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error) => {
  if (error) {
    console.error(error.message);
    process.exit(1);
  }
  console.log(`listening ${port}`);
});
process.on('SIGTERM', () => { emulator.stop(); process.exit(0); });
