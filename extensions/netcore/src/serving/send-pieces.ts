// The pieces every server connection of the process lays its answers out in before they
// are written (transport/outbox.ts); what a trim lets go is owed back to the system.
import { SEND_PIECE_BYTES, SEND_PIECES_PER_SLAB, SLAB_TRIM_INTERVAL_MS } from '../constants';
import { SlabPool } from '../transport/slab-pool';
import { memoryReleased } from './idle-memory';

export const processSendPieces = new SlabPool(SEND_PIECE_BYTES, SEND_PIECES_PER_SLAB, SLAB_TRIM_INTERVAL_MS, undefined, memoryReleased);
