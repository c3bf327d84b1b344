import { useEffect, useState } from 'react';
import QRCode from 'qrcode';
import { Projection, type StreamInfo } from '@inclubit/sfu/protocol';
import type { JoinLinks } from './operator-api';
import { projectionLabels } from '../lib/projection-labels';

function useCopy(text: string): [boolean, () => void] {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    navigator.clipboard.writeText(text).then(
      () => setCopied(true),
      (e: unknown) => console.warn('copy failed', e),
    );
  };
  return [copied, copy];
}

function Link({ label, url }: { label: string; url: string }) {
  const [qr, setQr] = useState<string>();
  const [copied, copy] = useCopy(url);
  useEffect(() => {
    let cancelled = false;
    // The standard 4-module quiet zone: phone and headset cameras need it to find the code.
    QRCode.toDataURL(url, { margin: 4, width: 300 }).then(
      (data) => !cancelled && setQr(data),
      (e: unknown) => console.warn('QR code failed', e),
    );
    return () => {
      cancelled = true;
    };
  }, [url]);
  return (
    <figure className="join-link" data-testid={`${label.toLowerCase()}-link`}>
      {qr && <img src={qr} alt={`QR code of the ${label.toLowerCase()} link`} width={300} height={300} />}
      <figcaption>
        <strong>{label}</strong>
        <a href={url}>{url}</a>
        <button type="button" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </figcaption>
    </figure>
  );
}

/** A value an encoder's settings want typed or pasted (no QR code: nobody scans it). */
function Field({ label, value, testId }: { label: string; value: string; testId: string }) {
  const [copied, copy] = useCopy(value);
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <code data-testid={testId}>{value}</code>
        <button type="button" onClick={copy}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </dd>
    </>
  );
}

/** How an encoder's picture is laid out: a room setting, since an encoder cannot announce it. */
function EncoderLayout({ stream, onChange }: { stream: StreamInfo; onChange: (s: StreamInfo) => void }) {
  return (
    <p className="encoder-layout">
      <label>
        Encoder picture{' '}
        <select
          aria-label="encoder projection"
          value={stream.projection}
          onChange={(e) => onChange({ ...stream, projection: Projection.parse(e.target.value) })}
        >
          {Projection.options.map((p) => (
            <option key={p} value={p}>
              {projectionLabels[p]}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        <input
          type="checkbox"
          aria-label="encoder swaps eyes"
          checked={stream.swapEyes}
          onChange={(e) => onChange({ ...stream, swapEyes: e.target.checked })}
        />{' '}
        Swap eyes
      </label>
    </p>
  );
}

export interface LinksChange {
  newKey?: true;
  encoderStream?: StreamInfo;
}

export function LinksCard({
  links,
  onChange,
}: {
  links: JoinLinks;
  onChange: (change: LinksChange) => void;
}) {
  return (
    <section className="links-card">
      <h3>
        Room <code>{links.room}</code>
      </h3>
      <div className="join-links">
        <Link label="Camera" url={links.camera} />
        <Link label="Viewer" url={links.viewer} />
      </div>
      <p className="hint">
        Valid until {new Date(links.expiresAt).toLocaleString()}. Scan with a headset or phone.
      </p>
      <h4>Encoder or other player</h4>
      <EncoderLayout stream={links.encoderStream} onChange={(encoderStream) => onChange({ encoderStream })} />
      <dl className="ingest" data-testid="ingest">
        <Field label="WHIP URL (OBS: Service WHIP, Server)" value={links.whip} testId="whip-url" />
        <Field label="Bearer token" value={links.cameraToken} testId="whip-token" />
        <Field label="WHEP URL (players)" value={links.whep} testId="whep-url" />
        {links.rtmp && (
          <>
            <Field label="RTMP server (OBS: Server)" value={links.rtmp.url} testId="rtmp-url" />
            <Field label="RTMP stream key" value={links.rtmp.key} testId="rtmp-key" />
            <Field
              label="RTMP URL with key (cameras with one field)"
              value={`${links.rtmp.url}/${links.rtmp.key}`}
              testId="rtmp-full-url"
            />
          </>
        )}
        {links.srt && <Field label="SRT URL (mode caller)" value={links.srt} testId="srt-url" />}
      </dl>
      {(links.rtmp ?? links.srt) && (
        <p className="hint">
          The RTMP/SRT stream key does not expire.{' '}
          <button type="button" onClick={() => onChange({ newKey: true })} data-testid="new-key">
            New key
          </button>{' '}
          (the old one stops working at once)
        </p>
      )}
    </section>
  );
}
