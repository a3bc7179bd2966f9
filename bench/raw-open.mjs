// The same-runtime floor for the interactive launch row: connect, print what the TUI's status line
// shows once the socket is open, and stay until killed.
import WebSocket from 'ws';

const ws = new WebSocket(process.argv[2]);
ws.on('open', () => process.stdout.write(`● open  ${process.argv[2]}\n`));
ws.on('close', () => process.exit(0));
