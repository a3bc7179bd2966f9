// mqtt-packet (with readable-stream and bl, ~280 KiB), bundled on its own (dist/cli/mqtt-packet.js) and
// loaded only by --proto mqtt: in the main bundle every run would parse it at start-up.

import mqttPacket from 'mqtt-packet';

export const generate = mqttPacket.generate;
export const parser = mqttPacket.parser;
