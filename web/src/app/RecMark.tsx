// The REC mark: while a room is recorded, everyone in it can see so — the camera page and every viewer.
export function RecMark({ className = '' }: { className?: string }) {
  return (
    <span
      className={`rec-mark ${className}`}
      role="status"
      data-testid="rec-mark"
      title="This room is being recorded"
    >
      <span className="rec-dot" aria-hidden="true" />
      REC
    </span>
  );
}
