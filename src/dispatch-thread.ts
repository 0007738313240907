/**
 * The dispatch thread's entry (runtime.ts starts it on the embedded default): the dispatcher
 * beside the API, in a thread of its own with its own SQLite connection, so dispatch and the API
 * (with the callback notifier) each have a core.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { type DispatchThreadData, runDispatchThread, type ToDispatchThread } from './runtime.ts';

if (isMainThread || !parentPort) {
  throw new Error('dispatch-thread runs as the worker thread runtime.ts starts, not on its own');
}
const port = parentPort;
const handle = await runDispatchThread(
  workerData as DispatchThreadData,
  (message) => port.postMessage(message),
  // Closing the port lets the thread end once its connection and sockets are closed.
  () => port.close(),
);
port.on('message', (message: ToDispatchThread) => handle(message));
port.postMessage({ type: 'ready' });
