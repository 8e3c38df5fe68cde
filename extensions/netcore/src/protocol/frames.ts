// Frame layout (PROTOCOL.md §2): type u8 | payload length u32 big-endian | payload.
// Pure functions: no sockets, no files.
import { FRAME_HEADER_BYTES, MAX_CONTROL_PAYLOAD_BYTES, MAX_DATA_PAYLOAD_BYTES } from '../constants';
import { ErrorCode, PssError } from '../errors';

export const FrameType = {
  CONTROL: 0x01,
  DATA: 0x02,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export function maxPayloadBytes(type: number): number | undefined {
  if (type === FrameType.CONTROL) return MAX_CONTROL_PAYLOAD_BYTES;
  if (type === FrameType.DATA) return MAX_DATA_PAYLOAD_BYTES;
  return undefined;
}

export function writeHeader(target: Buffer, type: FrameType, payloadBytes: number, at = 0): void {
  target[at] = type;
  target.writeUInt32BE(payloadBytes, at + 1);
}

/** A control frame carrying one JSON message. */
export function encodeControl(message: object): Buffer {
  const json = JSON.stringify(message);
  const bytes = controlPayloadBytes(json);
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + bytes);
  writeControl(out, 0, json, bytes);
  return out;
}

/** The UTF-8 length of a control message's JSON; throws when it would not fit a frame. */
export function controlPayloadBytes(json: string): number {
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_CONTROL_PAYLOAD_BYTES) {
    throw new PssError(ErrorCode.BAD_MESSAGE, `control message of ${bytes} bytes exceeds the frame limit`);
  }
  return bytes;
}

/** Lays a control frame (`bytes` from controlPayloadBytes) out in `target` from `at`. */
export function writeControl(target: Buffer, at: number, json: string, bytes: number): void {
  writeHeader(target, FrameType.CONTROL, bytes, at);
  target.write(json, at + FRAME_HEADER_BYTES, 'utf8');
}

/**
 * Allocates a data frame whose payload the caller fills in place (a file read lands
 * straight after the header, so nothing is copied on the way to the socket).
 */
export function allocDataFrame(payloadBytes: number): Buffer {
  if (payloadBytes > MAX_DATA_PAYLOAD_BYTES) {
    throw new PssError(ErrorCode.BAD_FRAME, `data frame of ${payloadBytes} bytes exceeds the frame limit`);
  }
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadBytes);
  writeHeader(out, FrameType.DATA, payloadBytes);
  return out;
}

/** Shrinks a frame from allocDataFrame when the read returned fewer bytes. */
export function finishDataFrame(frame: Buffer, payloadBytes: number): Buffer {
  frame.writeUInt32BE(payloadBytes, 1);
  return frame.subarray(0, FRAME_HEADER_BYTES + payloadBytes);
}

export function encodeData(payload: Uint8Array): Buffer {
  const out = allocDataFrame(payload.length);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}
