// The last few room codes this browser used, so a headset user rarely has to type one.
const KEY = 'inclubit.recentRooms';
const MAX = 5;

export function recentRooms(): string[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, MAX) : [];
  } catch {
    return [];
  }
}

export function rememberRoom(room: string): void {
  const rooms = [room, ...recentRooms().filter((r) => r !== room)].slice(0, MAX);
  localStorage.setItem(KEY, JSON.stringify(rooms));
}
