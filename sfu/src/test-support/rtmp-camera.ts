// The RTMP test camera of a room: Debian's ffmpeg pushing the test picture and tone with the room's stream
// key, returned once the room has both tracks. Stopped (killed and reaped) by the caller.
import type { RoomId } from '../protocol/index.js';
import { startPush, type Push, type PushOptions } from './ffmpeg-push.js';
import type { TestService } from './service.js';
import { until } from './until.js';

export async function rtmpCamera(service: TestService, room: RoomId, opts: PushOptions = {}): Promise<Push> {
  const key = await service.ingestLinks.settings.keyFor(room);
  const push = startPush(`rtmp://127.0.0.1:${service.rtmp!.port}/live/${room}/${key}`, opts);
  try {
    await until('camera live', () => (service.rooms.get(room)?.camera?.listProducers().length ?? 0) === 2);
  } catch (error) {
    await push.stop();
    throw error;
  }
  return push;
}
