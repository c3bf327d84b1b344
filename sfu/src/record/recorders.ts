// This node's recordings: at most one per room, started and stopped by operators (idempotent both ways) or
// automatically for rooms set so whenever their camera is live, watched against the quota and the disk (a
// recording that would overrun either stops, saying why), all stopped cleanly when the service stops. A room
// is recorded on the node its camera is on (an edge's copy of it is not recorded again).
import type { FastifyBaseLogger } from 'fastify';
import { ServiceError } from '../errors.js';
import type { Room } from '../media/room.js';
import type { RoomRegistry } from '../media/room-registry.js';
import {
  defaultRecordingSettings,
  type RecordingId,
  type RecordingInfo,
  type RecordingSettings,
  type RecordingSettingsChange,
  type RoomId,
} from '../protocol/index.js';
import type { RoomSettingsFile } from '../store/room-settings-file.js';
import type { Library } from './library.js';
import type { Tools } from './finalize.js';
import { Recording } from './recording.js';

/** Below this much free disk a recording stops: the rest of the machine needs room too. */
export const MIN_FREE_BYTES = 256 * 2 ** 20;
const CHECK_EVERY_MS = 1000;
/** An automatic recording ends when its camera has been gone this long (a reload continues it). */
export const AUTO_CAMERA_GONE_MS = 60_000;

export class Recorders {
  private readonly active = new Map<RoomId, Recording>();
  private readonly starting = new Map<RoomId, Promise<RecordingInfo>>();
  private timer: NodeJS.Timeout | undefined;
  private readonly unwatchRooms: () => void;

  constructor(
    private readonly rooms: RoomRegistry,
    readonly library: Library,
    private readonly settings: RoomSettingsFile<RecordingSettingsChange>,
    private readonly tools: Tools,
    private readonly log: FastifyBaseLogger,
  ) {
    for (const room of rooms.list()) this.follow(room);
    this.unwatchRooms = rooms.onRoomOpened((room) => this.follow(room));
  }

  /** The room's running recording, or a new one (waiting if the room has no camera yet). */
  start(roomId: RoomId, { auto = false } = {}): Promise<RecordingInfo> {
    const running = this.active.get(roomId);
    if (running) return Promise.resolve(running.info);
    // Two starts at once make one recording.
    let starting = this.starting.get(roomId);
    if (!starting) {
      starting = this.open(roomId, auto).finally(() => this.starting.delete(roomId));
      this.starting.set(roomId, starting);
    }
    return starting;
  }

  settingsOf(roomId: RoomId): RecordingSettings {
    return { ...defaultRecordingSettings, ...this.settings.get(roomId) };
  }

  /** Changes the room's settings; turning automatic recording on records a camera that is live now. */
  async configure(roomId: RoomId, change: RecordingSettingsChange): Promise<RecordingSettings> {
    await this.settings.update(roomId, change);
    const room = this.rooms.get(roomId);
    if (change.autoRecord && room) this.autoStart(room);
    return this.settingsOf(roomId);
  }

  /** Starts an automatic recording when the room's own camera publishes, if the room is set so. */
  private follow(room: Room): void {
    room.watch({ cameraTrack: () => this.autoStart(room) });
  }

  private autoStart(room: Room): void {
    const camera = room.camera;
    if (room.isClosed || !camera?.listProducers().length || camera.source === 'origin') return;
    if (!this.settingsOf(room.id).autoRecord || this.active.has(room.id)) return;
    this.start(room.id, { auto: true }).catch((error: unknown) => {
      this.log.warn({ err: error, roomId: room.id }, 'automatic recording did not start');
    });
  }

  private async open(roomId: RoomId, auto: boolean): Promise<RecordingInfo> {
    const room = this.rooms.get(roomId);
    if (!room || room.isClosed)
      throw new ServiceError('not_found', `room ${roomId} is not open on this server: nobody is in it`);
    const full = await this.fullReason();
    if (full) throw new ServiceError('invalid_state', `cannot record: ${full}`);
    if (room.isClosed) throw new ServiceError('not_found', `room ${roomId} closed`);
    const info = await this.library.create(roomId, room.stream);
    const recording = new Recording({
      room,
      library: this.library,
      info,
      tools: this.tools,
      log: this.log.child({ roomId }),
      ...(auto && { endWhenCameraGoneMs: AUTO_CAMERA_GONE_MS }),
      onEnd: (r) => {
        if (this.active.get(roomId) === r) this.active.delete(roomId);
        if (this.active.size > 0) return;
        clearInterval(this.timer);
        this.timer = undefined;
      },
    });
    this.active.set(roomId, recording);
    this.timer ??= setInterval(() => void this.check(), CHECK_EVERY_MS);
    return info;
  }

  /** Stops the room's recording; answers the last one's state when none runs (idempotent). */
  async stop(roomId: RoomId): Promise<RecordingInfo> {
    const running = this.active.get(roomId);
    if (running) {
      await running.stop('finished', 'stopped by an operator');
      return running.info;
    }
    const last = (await this.library.list()).find((r) => r.room === roomId);
    if (!last) throw new ServiceError('not_found', `room ${roomId} has no recording`);
    return last;
  }

  recordingOf(roomId: RoomId): Recording | undefined {
    return this.active.get(roomId);
  }

  isRunning(id: RecordingId): boolean {
    return [...this.active.values()].some((r) => r.info.id === id);
  }

  /** Stops every recording (the service is stopping). */
  async close(): Promise<void> {
    this.unwatchRooms();
    clearInterval(this.timer);
    await Promise.all([...this.active.values()].map((r) => r.stop('finished', 'the server stopped')));
  }

  /** Why nothing more may be written: the quota or the disk is full; undefined while there is room. */
  private async fullReason(): Promise<string | undefined> {
    const { library } = this;
    if ((await library.usedBytes()) >= library.quotaBytes)
      return `the recordings quota (${(library.quotaBytes / 2 ** 30).toFixed(2)} GiB, RECORDINGS_QUOTA_GB) is full`;
    if ((await library.freeBytes()) < MIN_FREE_BYTES) return 'the disk is full';
    return undefined;
  }

  private async check(): Promise<void> {
    if (this.active.size === 0) return;
    const full = await this.fullReason().catch(() => undefined);
    if (!full) return;
    this.log.warn({ reason: full }, 'recordings stopped');
    await Promise.all([...this.active.values()].map((r) => r.stop('stopped', full)));
  }
}
